//! Small pieces of the web app: comparisons, cookies, names, downloads, static files.

use std::path::{Path, PathBuf};

use askama::Template;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Compares secrets without leaking where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of one cookie.
pub fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// A page that says what went wrong in plain words.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = ErrorPage { title, message }.render().unwrap_or_else(|_| message.to_string());
    let mut resp = super::html(body);
    *resp.status_mut() = status;
    resp
}

/// An internal error, shown with its cause (vault messages are already in Chinese).
pub fn failure(e: anyhow::Error) -> Response {
    error_page(StatusCode::INTERNAL_SERVER_ERROR, "出错了，没有完成", &format!("{e:#}"))
}

/// Whether a folder name may name a case in a URL: one plain path component.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 120
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && !name.chars().any(|c| matches!(c, '/' | '\\' | ':' | '\0') || c.is_control())
}

/// The folder of the case named in a URL: it must be a direct sub-folder of the root that
/// holds a case.
pub fn case_dir(root: &Path, name: &str) -> Option<PathBuf> {
    if !plain_name(name) {
        return None;
    }
    let dir = root.join(name);
    (dir.parent() == Some(root) && dir.join("anjing.db").is_file()).then_some(dir)
}

/// A folder name made from a case title: letters, digits, CJK, `-` and `_` kept.
pub fn folder_for_title(title: &str) -> String {
    let mut s: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s: String = s.trim_matches('-').chars().take(40).collect();
    if s.is_empty() || s.starts_with('.') { "案件".into() } else { s }
}

/// The name a browser gave an uploaded file, made safe to show and to keep as the original
/// file name: the last path component, control characters removed, at most 120 characters.
pub fn upload_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let s = s.trim().trim_start_matches('.').to_string();
    if s.is_empty() { "上传的文件".into() } else { s }
}

/// A download response with a UTF-8 file name (RFC 6266 / 5987).
pub fn download(name: &str, content_type: &'static str, body: Body) -> Response {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", pct(name));
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Percent-encodes everything but unreserved characters.
pub fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn css() -> Response {
    static_file("text/css; charset=utf-8", include_str!("../../static/app.css"))
}

pub async fn js() -> Response {
    static_file("text/javascript; charset=utf-8", include_str!("../../static/app.js"))
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
    resp
}

/// This machine's address on the local network (the one a UDP socket towards a private
/// address would use; nothing is sent).
pub fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.168.255.255:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// Opens the URL in the desktop browser, if there is one.
pub fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "windows") {
        ("cmd", vec!["/C", "start", "", url])
    } else if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(cmd.0).args(&cmd.1).spawn().is_err() {
        println!("（没能自动打开浏览器，请手动复制上面的地址。）");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_urls_and_uploads_cannot_leave_their_folder() {
        for bad in ["..", ".", "", "a/b", "a\\b", ".hidden", "c:x", "a\0b"] {
            assert!(!plain_name(bad), "{bad:?}");
        }
        assert!(plain_name("张伟-快闪借"));
        assert_eq!(upload_name("../../etc/passwd"), "passwd");
        assert_eq!(upload_name("C:\\Users\\me\\短信.xml"), "短信.xml");
        assert_eq!(upload_name("..\u{7}"), "上传的文件");
        assert_eq!(folder_for_title("张伟 与/“快闪借”"), "张伟-与-快闪借");
        assert_eq!(folder_for_title("../.."), "案件");
    }

    #[test]
    fn cookies_and_secrets() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; anjing_session=xyz"));
        assert_eq!(cookie(&h, "anjing_session").as_deref(), Some("xyz"));
        assert!(constant_eq(b"abc", b"abc") && !constant_eq(b"abc", b"abd"));
        assert_eq!(pct("短 信.docx"), "%E7%9F%AD%20%E4%BF%A1.docx");
    }
}
