//! The smallest tree html5ever's tree builder can build into, for [`super::text`]: element
//! names, the `href` of links and text, in one arena. A general DOM (scraper's) keeps every
//! attribute, copies each text into a thread-safe tendril and links nodes through a generic
//! tree; here text stays in the tokenizer's tendrils and an element is a name and four links.
//! Hand-written because html5ever's `TreeSink` has no ready-made minimal implementation.
//!
//! The tree is the one scraper builds for the same input: the same tree builder makes the same
//! calls, and the sink keeps scraper's rules for them (adjacent text merged on `append` and
//! `append_before_sibling`, not on `reparent_children`; template contents kept apart).

use std::borrow::Cow;
use std::cell::{Ref, RefCell};
use std::sync::LazyLock;

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

/// No node.
pub const NONE: u32 = u32::MAX;

/// What a node is.
pub enum Data {
    /// The document root (node 0) or a template's contents.
    Root,
    /// An element: its name and, for links, the first `href`.
    Element { name: QualName, href: Option<StrTendril> },
    /// Text (adjacent text merged, as a DOM does).
    Text(StrTendril),
    /// A comment or processing instruction.
    Other,
}

/// One node with its links (indices into the arena, [`NONE`] for none).
pub struct Node {
    /// What it is.
    pub data: Data,
    /// Parent node.
    pub parent: u32,
    /// First child.
    pub first: u32,
    /// Last child.
    pub last: u32,
    /// Previous sibling.
    pub prev: u32,
    /// Next sibling.
    pub next: u32,
}

/// The arena; node 0 is the document.
pub struct Dom {
    nodes: RefCell<Vec<Node>>,
}

/// Returned by `elem_name` for a node that is no element (the tree builder never asks).
static NO_NAME: LazyLock<QualName> = LazyLock::new(|| QualName::new(None, ns!(html), local_name!("")));

impl Dom {
    /// Parses `html` as a fragment in `<body>` (as `scraper::Html::parse_fragment` does).
    pub fn parse_fragment(html: &str) -> Vec<Node> {
        use html5ever::tendril::TendrilSink;
        // About one node per 16 bytes of markup in the corpus's posts: one allocation mostly.
        let dom = Dom { nodes: RefCell::new(Vec::with_capacity(html.len() / 16 + 4)) };
        dom.push(Data::Root);
        let ctx = QualName::new(None, ns!(html), local_name!("body"));
        html5ever::parse_fragment(dom, Default::default(), ctx, Vec::new(), false).one(html)
    }

    fn push(&self, data: Data) -> u32 {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len() as u32;
        nodes.push(Node { data, parent: NONE, first: NONE, last: NONE, prev: NONE, next: NONE });
        id
    }
}

/// Unlinks `id` from its parent and siblings.
fn detach(nodes: &mut [Node], id: u32) {
    let (parent, prev, next) = {
        let n = &nodes[id as usize];
        (n.parent, n.prev, n.next)
    };
    if parent == NONE {
        return;
    }
    if prev == NONE {
        nodes[parent as usize].first = next;
    } else {
        nodes[prev as usize].next = next;
    }
    if next == NONE {
        nodes[parent as usize].last = prev;
    } else {
        nodes[next as usize].prev = prev;
    }
    let n = &mut nodes[id as usize];
    (n.parent, n.prev, n.next) = (NONE, NONE, NONE);
}

/// Links the detached `id` as the last child of `parent`.
fn append_last(nodes: &mut [Node], parent: u32, id: u32) {
    let last = nodes[parent as usize].last;
    {
        let n = &mut nodes[id as usize];
        (n.parent, n.prev, n.next) = (parent, last, NONE);
    }
    if last == NONE {
        nodes[parent as usize].first = id;
    } else {
        nodes[last as usize].next = id;
    }
    nodes[parent as usize].last = id;
}

/// Links the detached `id` just before `sibling` (which has a parent).
fn insert_before(nodes: &mut [Node], sibling: u32, id: u32) {
    let (parent, prev) = (nodes[sibling as usize].parent, nodes[sibling as usize].prev);
    {
        let n = &mut nodes[id as usize];
        (n.parent, n.prev, n.next) = (parent, prev, sibling);
    }
    nodes[sibling as usize].prev = id;
    if prev == NONE {
        nodes[parent as usize].first = id;
    } else {
        nodes[prev as usize].next = id;
    }
}

impl TreeSink for Dom {
    type Handle = u32;
    type Output = Vec<Node>;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Vec<Node> {
        self.nodes.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| match &nodes[*target as usize].data {
            Data::Element { name, .. } => name,
            _ => &NO_NAME,
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let href = if name.local == local_name!("a") {
            attrs.into_iter().find(|a| a.name.ns == ns!() && a.name.local == local_name!("href")).map(|a| a.value)
        } else {
            None
        };
        let id = self.push(Data::Element { name, href });
        if template {
            let contents = self.push(Data::Root);
            append_last(&mut self.nodes.borrow_mut(), id, contents);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        let mut nodes = self.nodes.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => {
                detach(&mut nodes, id);
                append_last(&mut nodes, *parent, id);
            }
            NodeOrText::AppendText(text) => {
                let last = nodes[*parent as usize].last;
                if let Some(Node { data: Data::Text(t), .. }) = nodes.get_mut(last as usize) {
                    t.push_tendril(&text);
                    return;
                }
                drop(nodes);
                let id = self.push(Data::Text(text));
                append_last(&mut self.nodes.borrow_mut(), *parent, id);
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev_element: &u32, child: NodeOrText<u32>) {
        if self.nodes.borrow()[*element as usize].parent != NONE {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &u32) -> u32 {
        self.nodes.borrow()[*target as usize].first
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeOrText::AppendNode(id) = new_node {
            detach(&mut nodes, id);
        }
        if nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => insert_before(&mut nodes, *sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = nodes[*sibling as usize].prev;
                if let Some(Node { data: Data::Text(t), .. }) = nodes.get_mut(prev as usize) {
                    t.push_tendril(&text);
                    return;
                }
                drop(nodes);
                let id = self.push(Data::Text(text));
                insert_before(&mut self.nodes.borrow_mut(), *sibling, id);
            }
        }
    }

    /// Only `<html>` and `<body>` tags add attributes, and only links' are kept.
    fn add_attrs_if_missing(&self, _target: &u32, _attrs: Vec<Attribute>) {}

    fn remove_from_parent(&self, target: &u32) {
        detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[*node as usize].first;
        while child != NONE {
            let next = nodes[child as usize].next;
            detach(&mut nodes, child);
            append_last(&mut nodes, *new_parent, child);
            child = next;
        }
    }
}
