//! A fast path for [`super::text`]: a small HTML tokenizer and a stack of open elements that
//! feed the walk ([`Walk`]) directly, with no tree. It follows html5ever's tokenizer and tree
//! builder (fragment in `<body>`) for what posts use: block boundaries, implied end tags
//! (`<p>` closed by a block, `<li>`, `<dd>`/`<dt>`, cells and rows), void and raw-text
//! elements, comments, character references and well-formed tables. Whatever it does not model
//! (text or other elements directly in a table, which are fostered out; misnested formatting,
//! which the adoption agency restructures; a formatting element closed implicitly, which is
//! reopened later; `<form>`, `<select>`, `<svg>`, `<template>`, NUL, unusual references, …)
//! makes it bail out, and the caller parses with html5ever instead: a bail-out is always safe.
//! Tests check that both give the same Doc wherever this one does not bail.
//!
//! Hand-written because html5ever's tree builder is general (it was 11% of all CPU of a full
//! run, half of extraction's HTML → text) and no crate offers a streaming subset of it.

use std::borrow::Cow;

use html5ever::data::NAMED_ENTITIES;

use super::text::Walk;

mod rules;

/// The input needs a rule the fast path does not model.
pub(super) struct Bail;

type Res<T = ()> = Result<T, Bail>;

/// Where the tree builder is (its insertion mode).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Body,
    Table,
    TableBody,
    Row,
    Cell,
}

/// Feeds `walk` with the text and elements of `html` (already prepared), or bails out.
pub(super) fn parse(html: &str, walk: &mut Walk<'_>) -> Res {
    if memchr::memchr(0, html.as_bytes()).is_some() {
        return Err(Bail);
    }
    let mut p = Parser {
        s: html,
        b: html.as_bytes(),
        i: 0,
        stack: Vec::new(),
        mode: Mode::Body,
        text: String::new(),
        span: None,
        walk,
    };
    p.run()
}

struct Parser<'a, 'w, 'u> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Open elements below the root `<html>`, innermost last.
    stack: Vec<Cow<'a, str>>,
    mode: Mode,
    /// Text not yet given to the walk: adjacent text is one node in the tree.
    text: String,
    /// The same while it is one run of the input (`text` then empty): its span, not a copy
    /// (most text nodes are such a run).
    span: Option<(usize, usize)>,
    walk: &'w mut Walk<'u>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

impl<'a> Parser<'a, '_, '_> {
    fn run(&mut self) -> Res {
        while self.i < self.b.len() {
            let rest = &self.b[self.i..];
            // A third of the searches start at their byte (tags in a row: `</p><p>`, `</td><td>`):
            // those are settled without a `memchr3` call (80 instructions each; 2.3 M of the
            // 30-feed fetch's, 34 k of its 94 k searches).
            let at =
                if matches!(rest[0], b'<' | b'&' | b'\r') { Some(0) } else { memchr::memchr3(b'<', b'&', b'\r', rest) };
            let Some(k) = at else {
                self.chars_at(self.i, self.b.len())?;
                break;
            };
            if k > 0 {
                self.chars_at(self.i, self.i + k)?;
                self.i += k;
            }
            match self.b[self.i] {
                b'<' => self.markup()?,
                b'&' => {
                    let mut out = String::new();
                    self.i = char_ref(self.s, self.i, false, &mut out)?;
                    self.chars(&out)?;
                }
                _ => {
                    self.i += 1 + usize::from(self.b.get(self.i + 1) == Some(&b'\n'));
                    self.chars("\n")?;
                }
            }
        }
        let pending = match self.span {
            Some((a, e)) => &self.s[a..e],
            None => self.text.as_str(),
        };
        if self.mode != Mode::Body && self.mode != Mode::Cell && pending.bytes().any(|b| !is_ws(b)) {
            return Err(Bail);
        }
        self.flush_text();
        while let Some(n) = self.stack.pop() {
            self.walk.close(&n);
        }
        Ok(())
    }

    /// A character token.
    fn chars(&mut self, t: &str) -> Res {
        if matches!(self.mode, Mode::Table | Mode::TableBody | Mode::Row) && t.bytes().any(|b| !is_ws(b)) {
            return Err(Bail); // fostered out of the table
        }
        if let Some((a, e)) = self.span.take() {
            self.text.push_str(&self.s[a..e]);
        }
        self.text.push_str(t);
        Ok(())
    }

    /// [`Self::chars`] of the input's bytes `start..end`: kept as a span while the pending text
    /// is one run of the input.
    fn chars_at(&mut self, start: usize, end: usize) -> Res {
        match self.span {
            None if self.text.is_empty() => {}
            Some((_, e)) if e == start => {}
            _ => return self.chars(&self.s[start..end]),
        }
        let t = &self.s[start..end];
        if matches!(self.mode, Mode::Table | Mode::TableBody | Mode::Row) && t.bytes().any(|b| !is_ws(b)) {
            return Err(Bail); // fostered out of the table
        }
        self.span = Some((self.span.map_or(start, |(a, _)| a), end));
        Ok(())
    }

    fn flush_text(&mut self) {
        if let Some((a, e)) = self.span.take() {
            let s = self.s;
            self.walk.text(&s[a..e]);
        } else if !self.text.is_empty() {
            self.walk.text(&self.text);
            self.text.clear();
        }
    }

    fn current(&self) -> &str {
        self.stack.last().map_or("html", |n| n)
    }

    fn insert(&mut self, name: Cow<'a, str>, href: Option<&str>) {
        self.flush_text();
        self.walk.open(&name, href);
        self.stack.push(name);
    }

    /// An element with no content (void, or dropped with its raw text).
    fn insert_empty(&mut self, name: &str) {
        self.flush_text();
        if self.walk.open(name, None) {
            self.walk.close(name);
        }
    }

    fn pop(&mut self) {
        self.flush_text();
        if let Some(n) = self.stack.pop() {
            self.walk.close(&n);
        }
    }

    /// At `<`: a tag, a comment, a doctype or text.
    fn markup(&mut self) -> Res {
        let i = self.i;
        match self.b.get(i + 1) {
            Some(c) if c.is_ascii_alphabetic() => {
                let Some(name) = self.tag_name(i + 1) else { return self.lookalike() };
                let href = self.attrs(name == "a")?;
                self.start(name, href.as_deref())
            }
            Some(b'/') if self.b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => {
                let Some(name) = self.tag_name(i + 2) else { return self.lookalike() };
                self.attrs(false)?;
                self.end(&name)
            }
            Some(b'!') if self.b[i..].starts_with(b"<!--") => {
                let body = &self.s[i + 4..];
                let len = if body.starts_with('>') {
                    1
                } else if body.starts_with("->") {
                    2
                } else {
                    let end = [body.find("-->").map(|e| e + 3), body.find("--!>").map(|e| e + 4)];
                    end.into_iter().flatten().min().ok_or(Bail)?
                };
                self.i = i + 4 + len;
                self.flush_text();
                Ok(())
            }
            Some(b'!') if self.s.get(i + 2..i + 9).is_some_and(|d| d.eq_ignore_ascii_case("doctype")) => {
                self.i = i + memchr::memchr(b'>', &self.b[i..]).ok_or(Bail)? + 1;
                Ok(()) // ignored in a body
            }
            Some(b'!' | b'?') => {
                // A bogus comment (`<![CDATA[…]]>` too, outside foreign content).
                self.i = i + memchr::memchr(b'>', &self.b[i..]).ok_or(Bail)? + 1;
                self.flush_text();
                Ok(())
            }
            Some(b'/') => Err(Bail),
            _ => {
                self.i += 1;
                self.chars("<")
            }
        }
    }

    /// The lowercased name of the tag whose name starts at `at`; moves past it. `None` (and
    /// no move) for a name with a character outside ASCII, a tag look-alike (`<QT基础>`).
    fn tag_name(&mut self, at: usize) -> Option<Cow<'a, str>> {
        // One pass over the name: where it ends, and whether it has a byte outside ASCII or an
        // uppercase letter (names are short: the loop beats three searches set up per tag).
        let (mut end, mut high, mut upper) = (at, false, false);
        while let Some(&c) = self.b.get(end) {
            if is_ws(c) || c == b'/' || c == b'>' {
                break;
            }
            high |= c >= 0x80;
            upper |= c.is_ascii_uppercase();
            end += 1;
        }
        if high {
            return None;
        }
        let name = &self.s[at..end];
        self.i = end;
        Some(if upper { Cow::Owned(name.to_ascii_lowercase()) } else { Cow::Borrowed(name) })
    }

    /// At the `<` of a tag look-alike: text, as [`crate::parse::prepare_html`] makes it by
    /// escaping that `<` (its name is the one the escaping looks at), so the fast path needs no
    /// escaped copy of the HTML.
    fn lookalike(&mut self) -> Res {
        self.i += 1;
        self.chars("<")
    }

    /// Moves past a tag's attributes and its `>`; the first `href` when `href` is asked for.
    fn attrs(&mut self, href: bool) -> Res<Option<String>> {
        let (s, b) = (self.s, self.b);
        let mut found = None;
        loop {
            while self.i < b.len() && is_ws(b[self.i]) {
                self.i += 1;
            }
            match b.get(self.i) {
                None => return Err(Bail),
                Some(b'>') => {
                    self.i += 1;
                    return Ok(found);
                }
                Some(b'/') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let start = self.i;
            self.i += 1; // a leading `=` belongs to the name
            while self.i < b.len() && !is_ws(b[self.i]) && !matches!(b[self.i], b'/' | b'>' | b'=') {
                self.i += 1;
            }
            let name = &s[start..self.i];
            while self.i < b.len() && is_ws(b[self.i]) {
                self.i += 1;
            }
            if b.get(self.i) != Some(&b'=') {
                continue;
            }
            self.i += 1;
            while self.i < b.len() && is_ws(b[self.i]) {
                self.i += 1;
            }
            let (vs, ve) = match b.get(self.i) {
                None => return Err(Bail),
                Some(&q @ (b'"' | b'\'')) => {
                    let vs = self.i + 1;
                    let e = vs + memchr::memchr(q, &b[vs..]).ok_or(Bail)?;
                    self.i = e + 1;
                    (vs, e)
                }
                Some(b'>') => continue,
                Some(_) => {
                    let vs = self.i;
                    while self.i < b.len() && !is_ws(b[self.i]) && b[self.i] != b'>' {
                        self.i += 1;
                    }
                    (vs, self.i)
                }
            };
            if href && found.is_none() && name.eq_ignore_ascii_case("href") {
                found = Some(decode(&s[vs..ve], true)?);
            }
        }
    }

    /// Raw text up to `</name`: dropped with its element, or (`title`) its decoded text.
    fn raw(&mut self, name: &str, keep: bool) -> Res {
        let body = &self.s[self.i..];
        let mut from = 0;
        let end = loop {
            let at = from + body[from..].find("</").ok_or(Bail)?;
            let after = at + 2 + name.len();
            if body.get(at + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name))
                && body.as_bytes().get(after).is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
            {
                break at;
            }
            from = at + 2;
        };
        let content = &body[..end];
        if name == "script" && content.contains("<!--") {
            return Err(Bail); // script's escaped states
        }
        self.flush_text();
        if keep && self.walk.open(name, None) {
            let t = decode(content, false)?;
            if !t.is_empty() {
                self.walk.text(&t);
            }
            self.walk.close(name);
        } else if !keep {
            self.walk.open(name, None);
        }
        self.i += end + 2 + name.len();
        self.attrs(false)?;
        Ok(())
    }
}

/// `v` with its character references decoded (by the attribute rules when `in_attr`) and
/// CR / CRLF turned into LF: attribute values and the text of escapable raw-text elements.
fn decode(v: &str, in_attr: bool) -> Res<String> {
    let mut out = String::with_capacity(v.len());
    let mut j = 0;
    while j < v.len() {
        match v.as_bytes()[j] {
            b'&' => j = char_ref(v, j, in_attr, &mut out)?,
            b'\r' => {
                out.push('\n');
                j += 1 + usize::from(v.as_bytes().get(j + 1) == Some(&b'\n'));
            }
            _ => {
                let len = v[j..].find(['&', '\r']).unwrap_or(v.len() - j);
                out.push_str(&v[j..j + len]);
                j += len;
            }
        }
    }
    Ok(out)
}

/// Decodes the character reference at `s[i]` (`&`) into `out`, as html5ever's tokenizer does;
/// returns where the input goes on. Bails out on the rarer cases (legacy names without `;`
/// in text, numbers that are remapped or replaced).
fn char_ref(s: &str, i: usize, attr: bool, out: &mut String) -> Res<usize> {
    let b = s.as_bytes();
    let alnum_end = |from: usize, f: fn(&u8) -> bool| from + b[from..].iter().take_while(|c| f(c)).count();
    match b.get(i + 1) {
        Some(b'#') => {
            let hex = matches!(b.get(i + 2), Some(b'x' | b'X'));
            let start = i + 2 + usize::from(hex);
            let end = if hex { alnum_end(start, u8::is_ascii_hexdigit) } else { alnum_end(start, u8::is_ascii_digit) };
            if end == start || end - start > 7 || b.get(end) != Some(&b';') {
                return Err(Bail);
            }
            let v = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).map_err(|_| Bail)?;
            let plain = matches!(v, 9 | 10 | 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfdcf | 0xfdf0..=0x10ffff);
            match char::from_u32(v) {
                Some(c) if plain && v & 0xfffe != 0xfffe => out.push(c),
                _ => return Err(Bail),
            }
            Ok(end + 1)
        }
        Some(c) if c.is_ascii_alphanumeric() => {
            let end = alnum_end(i + 1, u8::is_ascii_alphanumeric);
            if b.get(end) == Some(&b';')
                && let Some(&(c1, c2)) = NAMED_ENTITIES.get(&s[i + 1..=end])
                && c1 != 0
            {
                out.extend([c1, c2].into_iter().filter(|&c| c != 0).filter_map(char::from_u32));
                return Ok(end + 1);
            }
            // The longest name without `;` (a legacy one) that starts the run.
            let run = &s[i + 1..end];
            let legacy =
                (1..=run.len().min(40)).rev().find(|&n| NAMED_ENTITIES.get(&run[..n]).is_some_and(|&(c1, _)| c1 != 0));
            match legacy {
                None => {}
                // In an attribute, a legacy name followed by `=` or an alphanumeric stays text.
                Some(n) if attr && b.get(i + 1 + n).is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric()) => {}
                Some(_) => return Err(Bail),
            }
            out.push('&');
            Ok(i + 1)
        }
        _ => {
            out.push('&');
            Ok(i + 1)
        }
    }
}
