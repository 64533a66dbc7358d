#!/usr/bin/env python3
"""Rebuild the bundled offline snapshot from ../../../shared/fixtures/sites (run from this folder).

techparty.org/feed.xml: the site's RSS feed cut to its 40 newest items (2015-06 … 2019-03).
docker.cn/feed.xml: the site's Atom feed as is.
docker.cn/index.html + blog/…: the home listing cut to its 6 newest posts, with root-relative
links made relative so they resolve under file://, and those posts' pages.
"""
import os, re, shutil
SITES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'fixtures', 'sites')
HERE = os.path.dirname(os.path.abspath(__file__))

def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path

rss = open(os.path.join(SITES, 'techparty.org', 'feed.xml'), encoding='utf-8').read()
items = rss.split('<item>')
cut = '<item>'.join(items[:41])
cut = cut[:cut.rindex('</item>') + len('</item>')] + '\n  </channel>\n</rss>\n'
open(out('techparty.org', 'feed.xml'), 'w', encoding='utf-8').write(cut)

shutil.copy(os.path.join(SITES, 'docker.cn', 'feed.xml'), out('docker.cn', 'feed.xml'))
home = open(os.path.join(SITES, 'docker.cn', 'index.html'), encoding='utf-8').read()
head, rest = home.split('<ul class="post-list">', 1)
lis, tail = rest.split('</ul>', 1)
kept = '</li>'.join(lis.split('</li>')[:6]) + '</li>'
page = head + '<ul class="post-list">' + kept + '</ul>' + tail
links = re.findall(r'href="(/blog/[^"]+)"', kept)
page = page.replace('href="/blog/', 'href="blog/')
open(out('docker.cn', 'index.html'), 'w', encoding='utf-8').write(page)
for link in links:
    shutil.copy(os.path.join(SITES, 'docker.cn', link.lstrip('/')), out('docker.cn', link.lstrip('/')))
print('items', len(items[1:41]), 'posts', len(links))
