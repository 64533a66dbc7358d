//! Proxies: the `proxy` setting, and HTTP_PROXY from the environment.

use super::*;

#[tokio::test]
async fn explicit_proxy_setting_reaches_the_fixture_sites() {
    let proxy = FixtureProxy::start();
    let s = FetchSettings { proxy: Some(proxy.url.clone()), ..settings() };
    let url = url::Url::parse("http://www.techparty.org/atom.xml").expect("url");
    let response = get(&fetcher(&s), url.clone()).await.expect("through the proxy");
    assert_eq!(response.final_url, url);
    assert!(doc(&response).text.contains("<feed"));
    assert!(doc(&response).content_type.as_deref().is_some_and(|ct| ct.starts_with("application/atom+xml")));
}

/// Runs [`env_proxy_child`] in a child process with HTTP_PROXY set: the environment is
/// process-wide, so setting it here would leak into the tests running alongside.
#[test]
fn http_proxy_environment_is_honoured() {
    let proxy = FixtureProxy::start();
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new(exe)
        .args(["proxy::env_proxy_child", "--exact", "--include-ignored", "--nocapture"])
        .env("DIGEST_ENV_PROXY_CHILD", "1")
        .env("HTTP_PROXY", proxy.url.clone())
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("NO_PROXY", "")
        .env_remove("no_proxy")
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "child did not run the test:\n{stdout}");
}

#[tokio::test]
#[ignore = "run by http_proxy_environment_is_honoured with HTTP_PROXY set"]
async fn env_proxy_child() {
    assert!(std::env::var_os("DIGEST_ENV_PROXY_CHILD").is_some(), "run through http_proxy_environment_is_honoured");
    let s = FetchSettings { proxy: None, ..settings() };
    let url = url::Url::parse("http://www.techparty.org/atom.xml").expect("url");
    let response = get(&fetcher(&s), url).await.expect("HTTP_PROXY used");
    assert!(doc(&response).text.contains("<feed"));
}
