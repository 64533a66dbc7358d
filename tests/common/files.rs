//! Static files for [`TestServer::serve_dir`](super::server::TestServer::serve_dir), behaving
//! like `../shared/tools/fixture-proxy` so tests and the proxy agree.

use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};

use super::server::{Recorded, Reply};

/// The reply for `request` from the files under `root`.
pub(crate) fn reply(root: &Path, request: &Recorded) -> Reply {
    let decoded = percent_decode(&request.path);
    let Some(mut file) = safe_join(root, &decoded) else {
        return not_found();
    };
    if file.is_dir() {
        if !decoded.ends_with('/') {
            // Relative links inside the index resolve against the slashed URL.
            return Reply::redirect(301, &format!("{}/", request.path));
        }
        file.push("index.html");
    }
    let (Ok(bytes), Ok(meta)) = (std::fs::read(&file), std::fs::metadata(&file)) else {
        return not_found();
    };
    let mtime: chrono::DateTime<chrono::Utc> = meta.modified().map_or_else(|_| chrono::Utc::now(), Into::into);
    let last_modified = mtime.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let etag = {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        format!("\"{:016x}\"", hasher.finish())
    };
    let fresh = match (request.header("If-None-Match"), request.header("If-Modified-Since")) {
        (Some(inm), _) => inm.trim() == "*" || inm.split(',').any(|t| t.trim() == etag),
        (None, Some(ims)) => {
            chrono::DateTime::parse_from_rfc2822(ims).is_ok_and(|since| since.timestamp() >= mtime.timestamp())
        }
        (None, None) => false,
    };
    let reply = if fresh { Reply::status(304) } else { Reply::ok(bytes).header("Content-Type", content_type(&file)) };
    reply.header("ETag", &etag).header("Last-Modified", &last_modified)
}

fn not_found() -> Reply {
    Reply::status(404).header("Content-Type", "text/plain").body("not found\n")
}

/// `root` + `path`, refusing `..` and anything else that could leave `root`.
fn safe_join(root: &Path, path: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn content_type(file: &Path) -> &'static str {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%E6%B4%BB` → bytes → UTF-8 (lossy); a malformed escape is kept as written.
pub(crate) fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
