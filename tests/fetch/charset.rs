//! Chinese encodings and BOMs through real responses.

use super::*;

#[tokio::test]
async fn chinese_encodings_declared_every_way_and_undeclared() {
    let server = TestServer::start();
    let cases: Vec<(&str, Vec<u8>, Option<&str>, String)> = {
        let xml_gb = format!("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss><title>{ZH}</title></rss>");
        let meta_big5 = format!("<html><head><meta charset=\"big5\"><title>{TW}</title></head></html>");
        let equiv_gbk = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head><p>{ZH}</p>"
        );
        let plain_gb = format!("<p>{}</p>", ZH.repeat(4));
        let plain_big5 = format!("<p>{}</p>", TW.repeat(4));
        vec![
            ("/http-gb18030", GB18030.encode(ZH).0.into_owned(), Some("text/plain; charset=GB18030"), ZH.into()),
            ("/http-big5", BIG5.encode(TW).0.into_owned(), Some("text/html; charset=big5"), TW.into()),
            ("/xml-gb2312", GB18030.encode(&xml_gb).0.into_owned(), Some("application/xml"), xml_gb),
            ("/meta-big5", BIG5.encode(&meta_big5).0.into_owned(), Some("text/html"), meta_big5),
            ("/equiv-gbk", GB18030.encode(&equiv_gbk).0.into_owned(), None, equiv_gbk),
            ("/plain-gb", GB18030.encode(&plain_gb).0.into_owned(), Some("text/html"), plain_gb),
            ("/plain-big5", BIG5.encode(&plain_big5).0.into_owned(), None, plain_big5),
        ]
    };
    for (path, bytes, content_type, _) in &cases {
        let reply = Reply::ok(bytes.clone());
        server.route(path, content_type.map_or(reply.clone(), |ct| reply.header("Content-Type", ct)));
    }
    let f = fetcher(&settings());
    for (path, _, _, expected) in &cases {
        let response = get(&f, server.url(path)).await.expect("fetched");
        assert_eq!(&doc(&response).text, expected, "{path} decoded as {}", doc(&response).encoding);
    }
}

#[tokio::test]
async fn bom_wins_over_a_wrong_header() {
    let server = TestServer::start();
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(ZH.as_bytes());
    server.route("/bom", Reply::ok(body).header("Content-Type", "text/html; charset=big5"));
    let response = get(&fetcher(&settings()), server.url("/bom")).await.expect("fetched");
    assert_eq!((doc(&response).text.as_str(), doc(&response).encoding), (ZH, "UTF-8"));
}
