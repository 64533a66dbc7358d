//! Person names in talk listings: a speaker at the start of a line or bio, co-speakers, a
//! name after an organization and role, a handle.

use super::gate::has_any;

const BAD_NAME: &[&str] = &[
    "主题",
    "讲师",
    "介绍",
    "简介",
    "内容",
    "时间",
    "地点",
    "报名",
    "下载",
    "幻灯",
    "讲稿",
    "在此",
    "录音",
    "视频",
    "待定",
    "暂定",
    "公司",
    "我们",
    "大家",
    "本次",
    "沙龙",
    "slide",
    "ppt",
    "pdf",
    "参与人",
    "现任",
    "创始人",
    "第一",
    "第二",
    "http",
    "是的",
    "由于",
    "间歇",
    "来自",
    "曾任",
    "加入",
    "礼品",
    "这一次",
    "人员",
    "初稿",
    "接下来",
    "最后",
    "首先",
    "然后",
    "随后",
    "紧接着",
    "主持",
    "组委",
    "工作坊",
    "ps",
    "英语",
];

/// A bare name: 2–4 Han characters, or one Latin word (handle) of 2–16 characters.
pub(crate) fn pure_name(s: &str) -> bool {
    let n = s.chars().count();
    (han_count(s) == n && (2..=4).contains(&n)) || (s.is_ascii() && !s.contains(' ') && (2..=16).contains(&n))
}

/// The speaker a bio line starts or ends with: "赖勇浩，多年网游从业人员……",
/// "大宝（谢廷宝），前网易……", "UC优视 资深工程师 李运华".
pub(crate) fn bio_name(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches(['—', '-', '–', ' ']);
    let first = line.split(['，', ',', '（', '(']).next().unwrap_or("").trim();
    if pure_name(first) {
        return speaker_name(first);
    }
    // "潘通 Jack，深圳市映趣科技有限公司，副总裁"
    if let Some(w) = first.split_whitespace().next().filter(|w| han_name(w) && first.split_whitespace().count() <= 2) {
        return speaker_name(w);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    if (2..=4).contains(&words.len()) && !has_any(line, &['，', ',', '。']) && han_name(last) {
        return speaker_name(last);
    }
    None
}

/// A 2–3 character Han name.
pub(crate) fn han_name(s: &str) -> bool {
    (2..=3).contains(&han_count(s)) && s.chars().count() == han_count(s)
}

/// The name at the end of "－ 易度云办公 创始人， python老兵 潘俊勇 @panjunyong (…)": the last
/// Han name before the handle, else the handle.
pub(crate) fn trailing_name(after: &str) -> Option<String> {
    let s = after.split(['(', '（']).next().unwrap_or("");
    let words: Vec<&str> = s.split_whitespace().collect();
    let handle = words.iter().find(|w| w.starts_with('@')).map(|w| w.trim_start_matches('@'));
    let before_handle = words.iter().take_while(|w| !w.starts_with('@'));
    before_handle.last().filter(|w| han_name(w)).and_then(|w| speaker_name(w)).or_else(|| handle.and_then(speaker_name))
}

/// Han characters in `s`.
pub(crate) fn han_count(s: &str) -> usize {
    s.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count()
}

/// A plausible person name (or handle), cleaned; None when `s` does not start with one.
pub fn speaker_name(s: &str) -> Option<String> {
    let s = s.trim().trim_start_matches(['@', '-', '—', '–', ':', '：', ' ']);
    let cut = s.find(['(', '（', ',', '，', '、', '。', ';', '；', '|', '<', '[', '/']).unwrap_or(s.len());
    let mut name = s.get(..cut).unwrap_or("").trim().to_string();
    // "UC优视 资深工程师 李运华": a name at the end after a title.
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 3 || han_count(&name) > 4 {
        let last = words.last().copied().unwrap_or("");
        if (2..=3).contains(&han_count(last)) && last.chars().count() == han_count(last) {
            name = last.to_string();
        } else {
            let first = words.first().copied().unwrap_or("");
            if (2..=3).contains(&han_count(first)) && first.chars().count() == han_count(first) {
                name = first.to_string();
            } else {
                return None;
            }
        }
    }
    let mut name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '_').to_string();
    // "潘通 Jack", "Coding 彭博": the Han name.
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1
        && let Some(h) = words.iter().find(|w| (2..=3).contains(&han_count(w)) && w.chars().count() == han_count(w))
    {
        name = h.to_string();
    }
    // "彭斌XairCraft团队CEO": a Han name glued to the organization that follows it.
    let head: String = name.chars().take_while(|c| han_count(&c.to_string()) == 1).collect();
    let rest = name.get(head.len()..).unwrap_or("");
    if (2..=3).contains(&head.chars().count())
        && rest.starts_with(|c: char| c.is_ascii_alphabetic())
        && (han_count(rest) > 0 || rest.chars().count() > 8)
    {
        name = head;
    }
    if !name.chars().any(char::is_alphabetic) || (han_count(&name) == 1 && name.chars().count() == 1) {
        return None;
    }
    let chars = name.chars().count();
    let lower = name.to_lowercase();
    if chars == 0
        || chars > 24
        || BAD_NAME.iter().any(|b| lower.contains(b))
        || name.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    if han_count(&name) > 0 && name.split_whitespace().count() > 1 && han_count(&name) > 3 {
        return None;
    }
    Some(name)
}

/// Co-speakers named together: "张三、李四", "Tim & 王五", "赵六和钱七"; the first name as
/// [`speaker_name`] reads it, then each following part that is a bare name.
pub fn speaker_names(s: &str) -> Vec<String> {
    let expanded: Vec<&str> = s
        .split(['、', '，', ',', '&', '/', '；'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| {
            let both: Vec<&str> = p.split('和').map(str::trim).collect();
            if both.len() == 2 && both.iter().all(|b| pure_name(b)) { both } else { vec![p] }
        })
        .collect();
    let Some(first) = expanded.first().and_then(|p| speaker_name(p)) else {
        return Vec::new();
    };
    let mut out = vec![first];
    for p in expanded.iter().skip(1) {
        // A co-speaker is a bare 2–3 character Han name or a Latin name, not "资深码农".
        let p = p.trim();
        let bare = han_name(p) || (p.is_ascii() && pure_name(p));
        match speaker_name(p).filter(|_| bare) {
            Some(n) if !out.contains(&n) => out.push(n),
            Some(_) => {}
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_name_glued_to_organization() {
        assert_eq!(speaker_name("彭斌XairCraft团队CEO，广州.net俱乐部带头大哥").as_deref(), Some("彭斌"));
        assert_eq!(speaker_name("李Tim").as_deref(), Some("李Tim"));
    }

    #[test]
    fn names_in_bios_and_after_roles() {
        assert_eq!(bio_name("——潘通 Jack，深圳市映趣科技有限公司，副总裁").as_deref(), Some("潘通"));
        assert_eq!(bio_name("UC优视 资深工程师 李运华").as_deref(), Some("李运华"));
        assert_eq!(bio_name("大宝（谢廷宝），前网易").as_deref(), Some("大宝"));
        assert_eq!(trailing_name("－ 易度云办公 创始人， python老兵 潘俊勇 @panjunyong").as_deref(), Some("潘俊勇"));
        assert_eq!(trailing_name("@QLeelulu").as_deref(), Some("QLeelulu"));
    }
}
