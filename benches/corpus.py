#!/usr/bin/env python3
"""Deterministic benchmark corpus for digest and its peers (see benches/README.md).

    python3 benches/corpus.py OUT_DIR [--feeds 1000] [--seed 7] [--port 8089] [--days 60]

Writes OUT_DIR/feeds/feed-NNNN.xml (about 60% RSS 2.0, 40% Atom 1.0; 20-50 entries each;
1-10 KB of mixed Chinese/English HTML per entry; 5% of the feeds encoded in GB18030 with an
XML declaration saying so; 10% of the entries are copies of an entry of another feed, same
link and text; entry dates fall in the `--days` days before 2026-11-22), plus:

  OUT_DIR/files.txt         every feed file, one path per line (`digest parse --files`)
  OUT_DIR/feeds.toml        a digest config reading the feeds from http://127.0.0.1:PORT/
  OUT_DIR/urls.txt          the feed URLs, one per line (newsboat, curl)
  OUT_DIR/corpus.json       what was generated (counts, bytes, seed)

The same seed always gives byte-identical files (Python's `random.Random` is stable across
versions for `random()`, `randrange` and `choice` on the same sequences).
"""

import argparse
import datetime
import html
import json
import os
import random

EN_WORDS = (
    "container cloud native meetup community talk speaker kubernetes docker rust python go "
    "performance database storage network security release open source workshop hackathon "
    "scheduler compiler runtime memory latency throughput cluster service mesh observability "
    "tracing logging deploy pipeline testing review design architecture frontend backend"
).split()
ZH_PHRASES = (
    "技术沙龙 容器 云原生 实践 分享会 欢迎 社区 朋友们 报名 参加 本周六 下午 活动 演讲 嘉宾 主题 "
    "性能 优化 数据库 存储 网络 安全 发布 开源 工作坊 编译器 运行时 内存 延迟 吞吐 集群 服务网格 "
    "可观测性 部署 流水线 测试 设计 架构 前端 后端 深圳 广州 珠海 回顾 总结 征集 议题 讲师"
).split()
TAGS = ["meetup", "docker", "rust", "python", "golang", "cloud", "活动", "分享", "招聘", "开源"]
CITIES = ["Shenzhen", "Guangzhou", "Zhuhai", "深圳", "广州", "珠海"]
END = datetime.datetime(2026, 11, 22, 23, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def sentence(rng):
    if rng.random() < 0.5:
        words = [rng.choice(EN_WORDS) for _ in range(rng.randrange(6, 16))]
        return " ".join(words).capitalize() + "."
    return "".join(rng.choice(ZH_PHRASES) for _ in range(rng.randrange(5, 14))) + "。"


def body_html(rng, target_bytes, base):
    """HTML of about `target_bytes` UTF-8 bytes: paragraphs, links, lists, the odd table."""
    parts = []
    size = 0
    while size < target_bytes:
        r = rng.random()
        if r < 0.65:
            p = " ".join(sentence(rng) for _ in range(rng.randrange(2, 6)))
            if rng.random() < 0.3:
                p += f' <a href="{base}/post/{rng.randrange(10**6)}.html">{rng.choice(EN_WORDS)} 链接</a>'
            if rng.random() < 0.2:
                p = f"<strong>{rng.choice(ZH_PHRASES)}</strong> " + p + " &amp; more"
            part = f"<p>{p}</p>\n"
        elif r < 0.8:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randrange(2, 6)))
            part = f"<ul>{items}</ul>\n"
        elif r < 0.9:
            part = f"<h2>{sentence(rng)}</h2>\n"
        elif r < 0.95:
            part = f'<p><img src="/img/{rng.randrange(10**5)}.png" alt="{rng.choice(EN_WORDS)}"></p>\n'
        else:
            cells = "".join(f"<td>{rng.choice(ZH_PHRASES)} {rng.randrange(1, 30)}:00</td>" for _ in range(3))
            part = f"<table><tr><th>时间</th><th>主题</th><th>讲师</th></tr><tr>{cells}</tr></table>\n"
        parts.append(part)
        size += len(part.encode())
    return "".join(parts)


def make_entry(rng, feed_no, n, base, days):
    published = END - datetime.timedelta(seconds=rng.randrange(0, days * 86400))
    if rng.random() < 0.5:
        title = "".join(rng.choice(ZH_PHRASES) for _ in range(rng.randrange(3, 7)))
    else:
        title = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randrange(3, 9))).title()
    if rng.random() < 0.15:
        title += f" · {rng.choice(CITIES)} {published.month}月{published.day}日"
    return {
        "title": title,
        "link": f"{base}/{feed_no:04d}/{published:%Y/%m}/post-{n}.html",
        "published": published,
        "author": rng.choice(["alice", "bob", "张三", "李四", "wang.wu@example.com (王五)"]),
        "tags": rng.sample(TAGS, rng.randrange(0, 4)),
        # 1-10 KB, skewed towards short posts (mean ~4.5 KB) as real blogs are.
        "html": body_html(rng, 1024 + int(9 * 1024 * rng.random() ** 1.6), base),
    }


def rss(feed_no, entries, encoding, rng):
    out = [
        f'<?xml version="1.0" encoding="{encoding}"?>\n',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n',
        f"<title>社区博客 {feed_no} Community Blog</title>\n<link>http://blog{feed_no}.example.org/</link>\n",
        f"<description>Feed {feed_no}</description>\n<language>zh-cn</language>\n",
    ]
    for e in entries:
        date = e["published"].strftime("%a, %d %b %Y %H:%M:%S %z")
        out.append(f"<item>\n<title>{html.escape(e['title'], quote=False)}</title>\n<link>{e['link']}</link>\n")
        out.append(f'<guid isPermaLink="true">{e["link"]}</guid>\n<pubDate>{date}</pubDate>\n')
        out.append(f"<dc:creator>{html.escape(e['author'], quote=False)}</dc:creator>\n")
        out.extend(f"<category>{t}</category>\n" for t in e["tags"])
        if rng.random() < 0.5:  # CDATA in content:encoded, a short description
            out.append(f"<description>{html.escape(e['title'])}</description>\n")
            out.append(f"<content:encoded><![CDATA[{e['html']}]]></content:encoded>\n")
        else:  # entity-escaped HTML in description
            out.append(f"<description>{html.escape(e['html'], quote=False)}</description>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom(feed_no, entries, encoding, rng):
    updated = max(e["published"] for e in entries).isoformat()
    out = [
        f'<?xml version="1.0" encoding="{encoding}"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">\n',
        f"<title>技术社区 {feed_no} Tech Notes</title>\n<id>urn:feed:{feed_no}</id>\n<updated>{updated}</updated>\n",
        f'<link href="http://notes{feed_no}.example.org/" rel="alternate"/>\n',
    ]
    for e in entries:
        out.append(f"<entry>\n<title>{html.escape(e['title'], quote=False)}</title>\n")
        out.append(f'<link rel="alternate" href="{e["link"]}"/>\n<id>{e["link"]}</id>\n')
        out.append(f"<published>{e['published'].isoformat()}</published>\n<updated>{e['published'].isoformat()}</updated>\n")
        out.append(f"<author><name>{html.escape(e['author'], quote=False)}</name></author>\n")
        out.extend(f'<category term="{t}"/>\n' for t in e["tags"])
        if rng.random() < 0.2:
            out.append(f"<summary>{html.escape(e['title'])}</summary>\n")
        out.append(f'<content type="html">{html.escape(e["html"], quote=False)}</content>\n</entry>\n')
    out.append("</feed>\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--port", type=int, default=8089)
    ap.add_argument("--days", type=int, default=60, help="spread of entry dates before 2026-11-22 (a long-lived store: 730)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "feeds"), exist_ok=True)

    # Plan every feed first so duplicates can copy entries of any other feed.
    plans = []
    for no in range(1, args.feeds + 1):
        base = f"http://{'blog' if no % 3 else 'news'}{no % 97}.example.org"
        entries = [make_entry(rng, no, n, base, args.days) for n in range(rng.randrange(20, 51))]
        plans.append(entries)
    total = sum(len(p) for p in plans)
    duplicates = 0
    for i, entries in enumerate(plans):
        for j in range(len(entries)):
            if rng.random() < 0.10 and len(plans) > 1:
                other = rng.randrange(len(plans) - 1)
                other += other >= i
                entries[j] = dict(rng.choice(plans[other]))
                duplicates += 1

    paths, urls, toml = [], [], []
    toml.append('# Generated by benches/corpus.py: the benchmark corpus served by benches/serve.sh.\n')
    toml.append('title_zh = "基准测试"\ntitle_en = "Benchmark"\noutput = "output"\nstate = "state"\n\n')
    toml.append("[fetch]\nconcurrency = 8\nper_host = 8\nretries = 0\n\n")
    stats = {"rss": 0, "atom": 0, "gb18030": 0, "bytes": 0}
    for i, entries in enumerate(plans, start=1):
        is_rss = rng.random() < 0.6
        gb = rng.random() < 0.05
        encoding = "GB18030" if gb else "UTF-8"
        text = (rss if is_rss else atom)(i, entries, encoding, rng)
        data = text.encode("gb18030" if gb else "utf-8")
        name = f"feed-{i:04d}.xml"
        with open(os.path.join(args.out, "feeds", name), "wb") as f:
            f.write(data)
        stats["rss" if is_rss else "atom"] += 1
        stats["gb18030"] += gb
        stats["bytes"] += len(data)
        paths.append(os.path.join("feeds", name))
        url = f"http://127.0.0.1:{args.port}/feeds/{name}"
        urls.append(url)
        toml.append(f'[[source]]\nname = "feed-{i:04d}"\nurl = "{url}"\n\n')
    with open(os.path.join(args.out, "files.txt"), "w") as f:
        f.write("".join(os.path.join(os.path.abspath(args.out), p) + "\n" for p in paths))
    with open(os.path.join(args.out, "urls.txt"), "w") as f:
        f.write("".join(u + "\n" for u in urls))
    with open(os.path.join(args.out, "feeds.toml"), "w") as f:
        f.write("".join(toml))
    stats.update(feeds=len(plans), entries=total, duplicates=duplicates, seed=args.seed, port=args.port)
    if args.days != 60:  # only when asked for, so the default corpus.json stays as it was
        stats["days"] = args.days
    with open(os.path.join(args.out, "corpus.json"), "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
