//! `file://` URLs: read from disk under the same body cap, reported as a 200 with no validators.

use std::io::Read;

use url::Url;

use super::{Body, Document, FetchError, Response, Validators, decode};

/// Reads a local file. Reading stops one byte past the cap, so `/dev/zero` or a file that
/// grows while we read cannot exhaust memory.
pub(super) async fn get(url: &Url, cap: u64) -> Result<Response, FetchError> {
    let path = url
        .to_file_path()
        .map_err(|()| FetchError::Unsupported { url: url.to_string(), reason: "not a local file path".into() })?;
    let shown = url.to_string();
    let display = path.display().to_string();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        std::fs::File::open(&path)?.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
        Ok(bytes)
    })
    .await
    .unwrap_or_else(|join| Err(std::io::Error::other(join)));
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FetchError::FileNotFound { url: shown, path: display });
        }
        Err(source) => return Err(FetchError::File { url: shown, source }),
    };
    if bytes.len() as u64 > cap {
        return Err(FetchError::TooLarge { url: shown, limit: cap });
    }
    let (text, encoding) = decode::decode(&bytes, None);
    Ok(Response {
        final_url: url.clone(),
        status: 200,
        validators: Validators::default(),
        body: Body::Fresh(Document { text: text.into_owned(), content_type: None, encoding, byte_len: bytes.len() }),
    })
}
