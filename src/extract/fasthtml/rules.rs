//! The tree builder's rules the fast path follows: html5ever's insertion modes "in body",
//! "in table", "in table body", "in row" and "in cell", for the elements and cases it models;
//! everything else bails out.

use std::borrow::Cow;

use super::{Bail, Mode, Parser, Res};

// The tag sets of html5ever's tree builder, by name (HTML namespace only: foreign content bails).

#[rustfmt::skip]
fn formatting(n: &str) -> bool {
    matches!(n, "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong"
        | "tt" | "u")
}

fn heading(n: &str) -> bool {
    matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// html5ever's `special_tag` set.
#[rustfmt::skip]
fn special(n: &str) -> bool {
    heading(n) || matches!(n, "address" | "applet" | "area" | "article" | "aside" | "base" | "basefont"
        | "bgsound" | "blockquote" | "body" | "br" | "button" | "caption" | "center" | "col" | "colgroup" | "dd"
        | "details" | "dir" | "div" | "dl" | "dt" | "embed" | "fieldset" | "figcaption" | "figure" | "footer"
        | "form" | "frame" | "frameset" | "head" | "header" | "hgroup" | "hr" | "html" | "iframe" | "img"
        | "input" | "isindex" | "li" | "link" | "listing" | "main" | "marquee" | "menu" | "meta" | "nav"
        | "noembed" | "noframes" | "noscript" | "object" | "ol" | "p" | "param" | "plaintext" | "pre" | "script"
        | "section" | "select" | "source" | "style" | "summary" | "table" | "tbody" | "td" | "template"
        | "textarea" | "tfoot" | "th" | "thead" | "title" | "tr" | "track" | "ul" | "wbr" | "xmp")
}

#[rustfmt::skip]
fn default_scope(n: &str) -> bool {
    matches!(n, "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "select"
        | "template")
}

fn button_scope(n: &str) -> bool {
    default_scope(n) || n == "button"
}

fn list_scope(n: &str) -> bool {
    default_scope(n) || matches!(n, "ol" | "ul")
}

fn table_scope(n: &str) -> bool {
    matches!(n, "html" | "table" | "template")
}

/// Elements "generate implied end tags" closes.
#[rustfmt::skip]
fn implied_end(n: &str) -> bool {
    matches!(n, "dd" | "dt" | "li" | "option" | "optgroup" | "p" | "rb" | "rp" | "rt" | "rtc")
}

/// Start tags that close an open `<p>` and open a block.
#[rustfmt::skip]
fn p_closing_block(n: &str) -> bool {
    matches!(n, "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog" | "dir"
        | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header" | "hgroup" | "main" | "nav"
        | "ol" | "p" | "search" | "section" | "summary" | "ul" | "menu")
}

/// End tags of blocks (closed with implied end tags when in scope).
#[rustfmt::skip]
fn block_end(n: &str) -> bool {
    matches!(n, "address" | "article" | "aside" | "blockquote" | "button" | "center" | "details" | "dialog"
        | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header" | "hgroup"
        | "listing" | "main" | "menu" | "nav" | "ol" | "pre" | "search" | "section" | "summary" | "ul")
}

/// Start tags a body ignores (table parts outside a table, a second document's frame).
#[rustfmt::skip]
fn ignored_in_body(n: &str) -> bool {
    matches!(n, "html" | "body" | "head" | "frame" | "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot"
        | "th" | "thead" | "tr")
}

/// Start tags with no content.
#[rustfmt::skip]
fn void(n: &str) -> bool {
    matches!(n, "area" | "br" | "embed" | "img" | "keygen" | "wbr" | "input" | "param" | "source" | "track"
        | "base" | "basefont" | "bgsound" | "link" | "meta")
}

/// Start tags whose rules are not modelled.
#[rustfmt::skip]
fn unmodelled(n: &str) -> bool {
    matches!(n, "form" | "plaintext" | "button" | "nobr" | "applet" | "marquee" | "object" | "image" | "xmp"
        | "noembed" | "noframes" | "template" | "select" | "option" | "optgroup" | "rb" | "rtc" | "rp" | "rt"
        | "math" | "svg" | "frameset")
}

/// End tags tables ignore.
#[rustfmt::skip]
fn ignored_in_table(n: &str) -> bool {
    matches!(n, "body" | "caption" | "col" | "colgroup" | "html" | "tbody" | "td" | "tfoot" | "th" | "thead"
        | "tr")
}

impl<'a> Parser<'a, '_, '_> {
    /// Whether an element matching `target` is in scope (`scope` names the boundaries).
    fn in_scope(&self, target: impl Fn(&str) -> bool, scope: fn(&str) -> bool) -> bool {
        for n in self.stack.iter().rev() {
            if target(n) {
                return true;
            }
            if scope(n) {
                return false;
            }
        }
        false
    }

    /// Pops elements until one matching `target` is popped. A formatting element closed on
    /// the way would be reopened by the next text (unless `cell`: closing a cell forgets them).
    fn pop_until(&mut self, target: impl Fn(&str) -> bool, cell: bool) -> Res {
        loop {
            let Some(n) = self.stack.last() else { return Err(Bail) };
            let done = target(n);
            if !done && !cell && formatting(n) {
                return Err(Bail);
            }
            self.pop();
            if done {
                return Ok(());
            }
        }
    }

    fn implied_ends(&mut self, except: &str) {
        while implied_end(self.current()) && self.current() != except {
            self.pop();
        }
    }

    fn close_p(&mut self) -> Res {
        if self.in_scope(|n| n == "p", button_scope) {
            self.implied_ends("p");
            self.pop_until(|n| n == "p", false)?;
        }
        Ok(())
    }

    fn close_cell(&mut self) -> Res {
        self.implied_ends("");
        self.pop_until(|n| n == "td" || n == "th", true)?;
        self.mode = Mode::Row;
        Ok(())
    }

    /// The mode after a table closes ("reset the insertion mode appropriately").
    fn reset_mode(&mut self) -> Res {
        for n in self.stack.iter().rev() {
            self.mode = match &**n {
                "td" | "th" => Mode::Cell,
                "tr" => Mode::Row,
                "tbody" | "thead" | "tfoot" => Mode::TableBody,
                "table" => Mode::Table,
                "caption" | "colgroup" | "template" | "select" => return Err(Bail),
                _ => continue,
            };
            return Ok(());
        }
        self.mode = Mode::Body;
        Ok(())
    }

    pub(super) fn start(&mut self, name: Cow<'a, str>, href: Option<&str>) -> Res {
        match self.mode {
            Mode::Body => self.start_body(name, href),
            Mode::Cell => {
                if matches!(&*name, "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr") {
                    if !self.in_scope(|n| n == "td" || n == "th", table_scope) {
                        return Err(Bail);
                    }
                    self.close_cell()?;
                    return self.start(name, href);
                }
                self.start_body(name, href)
            }
            Mode::Table => match &*name {
                "tbody" | "thead" | "tfoot" if self.current() == "table" => {
                    self.insert(name, None);
                    self.mode = Mode::TableBody;
                    Ok(())
                }
                "td" | "th" | "tr" if self.current() == "table" => {
                    self.insert(Cow::Borrowed("tbody"), None);
                    self.mode = Mode::TableBody;
                    self.start(name, href)
                }
                _ => Err(Bail),
            },
            Mode::TableBody => {
                if !matches!(self.current(), "tbody" | "thead" | "tfoot") {
                    return Err(Bail);
                }
                match &*name {
                    "tr" => {
                        self.insert(name, None);
                        self.mode = Mode::Row;
                        Ok(())
                    }
                    "td" | "th" => {
                        self.insert(Cow::Borrowed("tr"), None);
                        self.mode = Mode::Row;
                        self.start(name, href)
                    }
                    "tbody" | "thead" | "tfoot" => {
                        self.pop();
                        self.mode = Mode::Table;
                        self.start(name, href)
                    }
                    _ => Err(Bail),
                }
            }
            Mode::Row => {
                if self.current() != "tr" {
                    return Err(Bail);
                }
                match &*name {
                    "td" | "th" => {
                        self.insert(name, None);
                        self.mode = Mode::Cell;
                        Ok(())
                    }
                    "tr" | "tbody" | "thead" | "tfoot" => {
                        self.pop();
                        self.mode = Mode::TableBody;
                        self.start(name, href)
                    }
                    _ => Err(Bail),
                }
            }
        }
    }

    fn start_body(&mut self, name: Cow<'a, str>, href: Option<&str>) -> Res {
        match &*name {
            n if ignored_in_body(n) => Ok(()),
            n if p_closing_block(n) => {
                self.close_p()?;
                self.insert(name, None);
                Ok(())
            }
            n if heading(n) => {
                self.close_p()?;
                if heading(self.current()) {
                    self.pop();
                }
                self.insert(name, None);
                Ok(())
            }
            "pre" | "listing" => {
                self.close_p()?;
                self.insert(name, None);
                // A newline right after the start tag is dropped.
                match self.b.get(self.i) {
                    Some(b'\n') => self.i += 1,
                    Some(b'\r') => self.i += 1 + usize::from(self.b.get(self.i + 1) == Some(&b'\n')),
                    Some(b'&') => return Err(Bail),
                    _ => {}
                }
                Ok(())
            }
            "li" | "dd" | "dt" => {
                let list = name == "li";
                let mut close = None;
                for n in self.stack.iter().rev() {
                    if (list && n == "li") || (!list && (n == "dd" || n == "dt")) {
                        close = Some(n.clone());
                        break;
                    }
                    if special(n) && !matches!(&**n, "address" | "div" | "p") {
                        break;
                    }
                }
                if let Some(c) = close {
                    self.implied_ends(&c);
                    self.pop_until(|n| n == c, false)?;
                }
                self.close_p()?;
                self.insert(name, None);
                Ok(())
            }
            "a" => {
                for n in self.stack.iter().rev() {
                    match &**n {
                        "a" => return Err(Bail), // misnested links
                        "td" | "th" => break,
                        _ => {}
                    }
                }
                self.insert(name, href);
                Ok(())
            }
            "table" => {
                self.close_p()?;
                self.insert(name, None);
                self.mode = Mode::Table;
                Ok(())
            }
            "hr" => {
                self.close_p()?;
                self.insert_empty("hr");
                Ok(())
            }
            n if void(n) => {
                self.insert_empty(&name);
                Ok(())
            }
            "script" | "style" | "iframe" | "noscript" | "textarea" => self.raw(&name, false),
            "title" => self.raw("title", true),
            n if unmodelled(n) => Err(Bail),
            _ => {
                self.insert(name, None);
                Ok(())
            }
        }
    }

    pub(super) fn end(&mut self, name: &str) -> Res {
        match self.mode {
            Mode::Body => self.end_body(name),
            Mode::Cell => match name {
                "td" | "th" => {
                    if self.in_scope(|n| n == name, table_scope) {
                        self.implied_ends("");
                        self.pop_until(|n| n == name, true)?;
                        self.mode = Mode::Row;
                    }
                    Ok(())
                }
                "body" | "caption" | "col" | "colgroup" | "html" => Ok(()),
                "table" | "tbody" | "tfoot" | "thead" | "tr" => {
                    if self.in_scope(|n| n == name, table_scope) {
                        self.close_cell()?;
                        return self.end(name);
                    }
                    Ok(())
                }
                _ => self.end_body(name),
            },
            Mode::Table => match name {
                "table" if self.current() == "table" => {
                    self.pop();
                    self.reset_mode()
                }
                n if ignored_in_table(n) => Ok(()),
                _ => Err(Bail),
            },
            Mode::TableBody => match name {
                "tbody" | "tfoot" | "thead" | "table" if matches!(self.current(), "tbody" | "thead" | "tfoot") => {
                    if name != "table" && !self.in_scope(|n| n == name, table_scope) {
                        return Ok(());
                    }
                    self.pop();
                    self.mode = Mode::Table;
                    if name == "table" { self.end(name) } else { Ok(()) }
                }
                "body" | "caption" | "col" | "colgroup" | "html" | "td" | "th" | "tr" => Ok(()),
                _ => Err(Bail),
            },
            Mode::Row => match name {
                "tr" | "table" | "tbody" | "tfoot" | "thead" if self.current() == "tr" => {
                    if matches!(name, "tbody" | "tfoot" | "thead") && !self.in_scope(|n| n == name, table_scope) {
                        return Ok(());
                    }
                    self.pop();
                    self.mode = Mode::TableBody;
                    if name == "tr" { Ok(()) } else { self.end(name) }
                }
                "body" | "caption" | "col" | "colgroup" | "html" | "td" | "th" => Ok(()),
                _ => Err(Bail),
            },
        }
    }

    fn end_body(&mut self, name: &str) -> Res {
        match name {
            "p" => {
                if !self.in_scope(|n| n == "p", button_scope) {
                    self.insert(Cow::Borrowed("p"), None);
                }
                self.implied_ends("p");
                self.pop_until(|n| n == "p", false)
            }
            "li" | "dd" | "dt" => {
                let scope = if name == "li" { list_scope } else { default_scope };
                if self.in_scope(|n| n == name, scope) {
                    self.implied_ends(name);
                    self.pop_until(|n| n == name, false)?;
                }
                Ok(())
            }
            n if heading(n) => {
                if self.in_scope(heading, default_scope) {
                    self.implied_ends("");
                    self.pop_until(heading, false)?;
                }
                Ok(())
            }
            n if block_end(n) => {
                if self.in_scope(|n| n == name, default_scope) {
                    self.implied_ends("");
                    self.pop_until(|n| n == name, false)?;
                }
                Ok(())
            }
            n if formatting(n) => {
                if self.current() != n {
                    return Err(Bail); // the adoption agency
                }
                self.pop();
                Ok(())
            }
            "br" => {
                self.insert_empty("br");
                Ok(())
            }
            "body" | "html" => Ok(()),
            "form" | "applet" | "marquee" | "object" | "template" | "option" | "select" | "sarcasm" => Err(Bail),
            _ => {
                // Any other end tag: closes the innermost element of that name, unless a
                // special element is in the way.
                let open = self.stack.iter().rev().find(|n| *n == name || special(n)).is_some_and(|n| n == name);
                if open {
                    self.implied_ends(name);
                    self.pop_until(|n| n == name, false)?;
                }
                Ok(())
            }
        }
    }
}
