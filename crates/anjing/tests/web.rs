//! The web app (`anjing serve`) over real HTTP on loopback: the secret, cross-site and CSRF
//! refusals, path traversal, upload limits, hostile message texts, and the whole journey
//! (new case → upload → timeline → reject a finding → facts → documents → package →
//! verify → an intake link used by a relative, then revoked). The browser tests
//! (`tests/browser/`) walk the same journey in Chromium.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use common::{assert_status, bin, run, stdout};

/// A running `anjing serve` on a free port, killed on drop.
struct Server {
    child: Child,
    port: u16,
    token: String,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cases");
    start_in(dir, root, &[]).0
}

/// Starts `anjing serve` over `root` with extra arguments; also returns what it printed
/// before serving.
fn start_in(dir: tempfile::TempDir, root: PathBuf, extra: &[&str]) -> (Server, Vec<String>) {
    let mut child = bin()
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let mut url = None;
    loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if url.is_none()
            && let Some(i) = line.find("http://127.0.0.1:")
        {
            url = Some(line[i..].trim().to_string());
        }
        let done = line.contains("Ctrl+C");
        printed.push(line);
        if done {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let url = url.expect("the address with the secret");
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
    let (port, token) = rest.split_once("/?token=").unwrap();
    (Server { child, port: port.parse().unwrap(), token: token.into(), root, _dir: dir }, printed)
}

impl Server {
    fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        // A refused upload may close the connection before the body is all sent.
        let _ = s.write_all(body);
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        parse(&all)
    }

    fn cookie(&self) -> String {
        format!("anjing_session={}", self.token)
    }

    fn get(&self, path: &str) -> Resp {
        self.raw("GET", path, &[("Cookie", &self.cookie())], b"")
    }

    fn csrf(&self) -> String {
        let page = self.get("/").text();
        let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        page[i..i + 64].to_string()
    }

    fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let body: Vec<String> =
            pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        self.raw(
            "POST",
            path,
            &[
                ("Cookie", &self.cookie()),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", &format!("http://127.0.0.1:{}", self.port)),
            ],
            body.join("&").as_bytes(),
        )
    }

    fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        cookie: bool,
    ) -> Resp {
        let b = "----anjingtestboundary7f3a";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        for (field, name, bytes) in files {
            body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend(*bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{b}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={b}");
        let c = self.cookie();
        let mut headers = vec![("Content-Type", ct.as_str())];
        if cookie {
            headers.push(("Cookie", c.as_str()));
        }
        self.raw("POST", path, &headers, &body)
    }

    fn new_case(&self, title: &str) -> String {
        let r = self.post_form("/cases", &[("csrf", &self.csrf()), ("title", title)]);
        assert_eq!(r.status, 303, "{}", r.text());
        let loc = r.header("location").unwrap().to_string();
        let name = loc.strip_prefix("/c/").unwrap().strip_suffix("/import").unwrap();
        name.to_string()
    }
}

/// The case folder of a case named in a URL (percent-decoded).
fn folder(root: &Path, url_name: &str) -> PathBuf {
    let b = url_name.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    root.join(String::from_utf8(out).unwrap())
}

fn enc(s: &str) -> String {
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

fn parse(all: &[u8]) -> Resp {
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a full HTTP response");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = all[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    Resp { status, headers, body }
}

/// Text as askama's HTML escaper writes it.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn demo_file(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("demo").join(name)).unwrap()
}

fn test_file(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap()
}

#[test]
fn the_secret_is_required_and_becomes_a_strict_cookie() {
    let s = start();
    let r = s.raw("GET", "/", &[], b"");
    assert_eq!(r.status, 403);
    assert!(r.text().contains("启动时显示的地址"));
    assert_eq!(s.raw("GET", "/?token=0123456789abcdef0123456789abcdef", &[], b"").status, 403);
    assert_eq!(
        s.raw("GET", "/c/x/timeline", &[("Cookie", "anjing_session=wrong")], b"").status,
        403
    );
    let r = s.raw("GET", &format!("/?token={}", s.token), &[], b"");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/"), "the token leaves the address bar");
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let r = s.get("/");
    assert_eq!(r.status, 200);
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    // Static files carry no data and need no secret; nothing else is reachable.
    assert_eq!(s.raw("GET", "/static/app.css", &[], b"").status, 200);
    assert_eq!(s.raw("GET", "/i/0123456789abcdef0123456789abcdef", &[], b"").status, 404);
}

#[test]
fn cross_site_posts_and_missing_csrf_tokens_are_refused() {
    let s = start();
    let csrf = s.csrf();
    let form = format!("csrf={csrf}&title=x");
    for (k, v) in
        [("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Origin", "null")]
    {
        let r = s.raw(
            "POST",
            "/cases",
            &[
                ("Cookie", &s.cookie()),
                ("Content-Type", "application/x-www-form-urlencoded"),
                (k, v),
            ],
            form.as_bytes(),
        );
        assert_eq!(r.status, 403, "{k}: {v}");
        assert!(r.text().contains("来自别的网站"));
    }
    let r = s.post_form("/cases", &[("csrf", "0".repeat(64).as_str()), ("title", "x")]);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("表单已过期"));
    assert_eq!(std::fs::read_dir(&s.root).unwrap().count(), 0, "no case was created");
    // A multipart upload without the token stores nothing.
    let name = s.new_case("测试");
    let r = s.post_multipart(
        &format!("/c/{name}/import"),
        &[("from", "本人")],
        &[("files", "sms.xml", &demo_file("borrower-sms.xml"))],
        true,
    );
    assert_eq!(r.status, 403);
    let o = run(&folder(&s.root, &name), &["records", "--json"]);
    assert!(stdout(&o).trim().is_empty(), "nothing imported");
}

#[test]
fn names_in_urls_and_uploads_cannot_leave_their_folders() {
    let s = start();
    let name = s.new_case("路径");
    for path in [
        "/c/../import".to_string(),
        "/c/%2E%2E/import".to_string(),
        "/c/..%2F/timeline".to_string(),
        format!("/c/{name}/docs/..%2Fanjing.db"),
        format!("/c/{name}/docs/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"),
        format!("/c/{name}/package/..%2Fanjing.db"),
    ] {
        let r = s.get(&path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("SQLite format"), "{path}");
    }
    // An upload named like a path is stored under its last component only.
    let r = s.post_multipart(
        &format!("/c/{name}/import"),
        &[("csrf", &s.csrf()), ("from", "本人")],
        &[("files", "../../../../tmp/evil.xml", &demo_file("borrower-calls.xml"))],
        true,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("evil.xml"));
    let entries: Vec<String> = std::fs::read_dir(s.root.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, vec!["cases".to_string()], "nothing written beside the cases");
}

#[test]
fn hostile_messages_stay_text_and_the_whole_journey_works() {
    let s = start();
    let name = s.new_case("张伟 被催收");
    let base = format!("/c/{name}");
    // Upload: the borrower's SMS and calls, plus SMS bodies written to attack the page.
    let r = s.post_multipart(
        &format!("{base}/import"),
        &[("csrf", &s.csrf()), ("from", "张伟"), ("relation", "本人")],
        &[
            ("files", "短信.xml", &demo_file("borrower-sms.xml")),
            ("files", "通话.xml", &demo_file("borrower-calls.xml")),
            ("files", "hostile.xml", &test_file("hostile-sms.xml")),
        ],
        true,
    );
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("导入完成") && page.contains("已自动分析"), "{page}");

    // Timeline: every hostile body is inert text.
    let r = s.get(&format!("{base}/timeline?number=17112346601"));
    let page = r.text();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script>alert"));
    let all = s.get(&format!("{base}/timeline?page=1")).text()
        + &s.get(&format!("{base}/timeline?number=17112346602")).text()
        + &s.get(&format!("{base}/timeline?number=17112346603")).text();
    assert!(!all.contains("<img src=x"), "img tag escaped");
    assert!(!all.contains("href=\"javascript:"), "no javascript: link");
    assert!(!all.contains("</style><style>"), "no CSS breakout");
    assert!(!all.contains("<b>催收</b>"));
    let scripts = all.matches("<script").count();
    assert_eq!(scripts, all.matches("<script src=\"/static/app.js\" defer></script>").count());

    // Findings are highlighted with reasons; reject one (a reason is optional).
    let page = s.get(&format!("{base}/timeline?only=findings")).text();
    assert!(page.contains("<mark title="), "highlighted words");
    let i = page.find("name=\"finding\" value=\"").unwrap() + 22;
    let id: String = page[i..].chars().take_while(char::is_ascii_digit).collect();
    let csrf = s.csrf();
    let r = s.post_form(
        &format!("{base}/review"),
        &[("csrf", &csrf), ("finding", &id), ("decision", "rejected"), ("reason", "")],
    );
    assert_eq!(r.status, 303, "a rejection without a reason is accepted");
    let page = s.get(&format!("{base}/timeline?only=findings&page=1")).text()
        + &s.get(&format!("{base}/timeline?only=findings&page=2")).text();
    assert!(page.contains("你的结论：已否定</p>"), "rejection without a reason shown");
    let r = s.post_form(
        &format!("{base}/review"),
        &[
            ("csrf", &csrf),
            ("finding", &id),
            ("decision", "rejected"),
            ("reason", "这是正常的还款提醒"),
            ("back", "?only=findings"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().contains(&format!("#f{id}")));
    let page = s.get(&format!("{base}/timeline?only=findings&page=1")).text()
        + &s.get(&format!("{base}/timeline?only=findings&page=2")).text();
    assert!(page.contains("你的结论：已否定（这是正常的还款提醒）"), "review shown");
    let log = stdout(&run(&folder(&s.root, &name), &["log", "--json"]));
    assert!(log.contains("这是正常的还款提醒"), "the decision is in the signed log");

    // Numbers: 归属地 and counts.
    let page = s.get(&format!("{base}/numbers")).text();
    assert!(
        page.contains("+8617112346601") && page.contains("<img src=\"data:image/svg+xml;base64,"),
        "{page}"
    );

    // Plan and facts: a wrong value is explained and not saved; a right one is.
    let page = s.get(&format!("{base}/plan")).text();
    assert!(
        page.contains("现在该做什么") && page.contains("12378") || page.contains("投诉"),
        "{page}"
    );
    let r = s.post_form(&format!("{base}/facts"), &[("csrf", &csrf), ("lender_type", "xyz")]);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("没有保存"), "{}", r.text());
    let r = s.post_form(
        &format!("{base}/facts"),
        &[
            ("csrf", &csrf),
            ("borrower_name", "张伟"),
            ("lender_type", "micro_loan"),
            ("lender_name", "某某网络小额贷款有限公司"),
        ],
    );
    assert_eq!(r.status, 303);
    let facts = stdout(&run(&folder(&s.root, &name), &["facts", "--json"]));
    assert!(facts.contains("某某网络小额贷款有限公司"), "{facts}");

    // Documents: made, listed, downloaded as DOCX (a ZIP) with a UTF-8 file name.
    let r = s.post_form(
        &format!("{base}/docs"),
        &[("csrf", &csrf), ("kind", "complaint"), ("kind", "police-report")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    let i = page.find(&format!("href=\"{base}/docs/")).unwrap() + 6;
    let link: String = page[i..].chars().take_while(|c| *c != '"').collect();
    let link = link.replace("&#x2f;", "/");
    assert!(link.ends_with(".pdf"), "the PDF is offered first: {link}");
    let docx_link = link.replace(".pdf", ".docx");
    let r = s.get(&docx_link);
    assert_eq!(r.status, 200, "{docx_link}");
    assert!(r.body.starts_with(b"PK"), "a DOCX is a ZIP");
    assert!(r.header("content-disposition").unwrap().contains("filename*=UTF-8''"));
    let pdf_link = docx_link.replace(".docx", ".pdf");
    let r = s.get(&pdf_link);
    assert_eq!(r.status, 200, "{pdf_link}");
    assert!(r.body.starts_with(b"%PDF-"), "the PDF is served");
    assert_eq!(r.header("content-type").unwrap(), "application/pdf");

    // Package: exported, downloaded, verified by `anjing verify` and by the upload form.
    let r = s.post_form(&format!("{base}/export"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    assert!(page.contains("已生成"), "{page}");
    let i = page.find(&format!("href=\"{base}/package/")).unwrap() + 6;
    let link: String = page[i..].chars().take_while(|c| *c != '"').collect();
    let r = s.get(&link);
    assert_eq!(r.status, 200, "{link}");
    let zip = s.root.parent().unwrap().join("downloaded.zip");
    std::fs::write(&zip, &r.body).unwrap();
    assert_status(&common::verify(&zip), 0);
    let r = s.post_multipart(
        "/verify",
        &[("csrf", &csrf), ("case", &name)],
        &[("package", "p.zip", &r.body)],
        true,
    );
    assert!(r.text().contains("全部核对通过"), "{}", r.text());
    let mut bad = std::fs::read(&zip).unwrap();
    let n = bad.len();
    bad[n / 2] ^= 1;
    let r = s.post_multipart("/verify", &[("csrf", &csrf)], &[("package", "p.zip", &bad)], true);
    assert!(r.text().contains("✗"), "{}", r.text());
}

#[test]
fn the_plan_shows_deadlines_and_the_contacted_peoples_rights_and_takes_who_was_contacted() {
    let s = start();
    let name = s.new_case("计划页");
    let base = format!("/c/{name}");
    let csrf = s.csrf();
    let r = s.post_multipart(
        &format!("{base}/import"),
        &[("csrf", &csrf), ("from", "张伟"), ("relation", "本人")],
        &[("files", "短信.xml", &demo_file("borrower-sms.xml"))],
        true,
    );
    assert_eq!(r.status, 200);
    let dir = folder(&s.root, &name);

    // Who was contacted, as checkboxes (one value each), and the repayment account, which is
    // hostile text: stored as codes and the text as typed, logged like every fact.
    let hostile = "<script>alert('账户')</script>\"><img src=x onerror=alert(1)>";
    let r = s.post_form(
        &format!("{base}/facts"),
        &[
            ("csrf", &csrf),
            ("lender_type", "信用卡"),
            ("lender_name", "安和银行股份有限公司信用卡中心"),
            ("contacted_people_shown", "1"),
            ("contacted_people", "colleagues"),
            ("contacted_people", "relatives"),
            ("repayment_account", hostile),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let facts: serde_json::Value =
        serde_json::from_str(&stdout(&run(&dir, &["facts", "--json"]))).unwrap();
    assert_eq!(facts["contacted_people"], "relatives,colleagues");
    assert_eq!(facts["lender_type"], "credit_card");
    assert_eq!(facts["repayment_account"], hostile);
    let log = stdout(&run(&dir, &["log", "--json"]));
    assert!(log.contains("relatives,colleagues"), "the change is in the signed log");

    let page = s.get(&format!("{base}/plan")).text();
    // The boxes come back checked; the account comes back escaped, never as markup.
    assert!(page.contains("name=\"contacted_people\" value=\"relatives\" checked"), "{page}");
    assert!(page.contains("name=\"contacted_people\" value=\"colleagues\" checked"));
    assert!(page.contains("name=\"contacted_people\" value=\"friends\">"));
    assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "{page}");
    assert!(page.contains(&format!("value=\"{}\"", esc(hostile))), "{page}");
    let scripts = page.matches("<script").count();
    assert_eq!(scripts, page.matches("<script src=\"/static/app.js\" defer></script>").count());

    // Deadlines as computed: title, a date, days left or passed, the sentence. A credit
    // card has the two-year recordings rule.
    let advice: serde_json::Value =
        serde_json::from_str(&stdout(&run(&dir, &["advise", "--json"]))).unwrap();
    let deadlines = advice["deadlines"].as_array().unwrap();
    assert!(deadlines.iter().any(|d| d["id"] == "credit_card_recordings_two_years"));
    for d in deadlines {
        let title = d["title_zh"].as_str().unwrap();
        assert!(page.contains(&esc(title)), "{title} missing");
        if let Some(due) = d["due"].as_str() {
            assert!(page.contains(&format!("期限：<strong>{due}</strong>")), "{due} missing");
            let n = d["days_left"].as_i64().unwrap();
            let left = if n < 0 {
                format!("已过 {} 天", -n)
            } else if n == 0 {
                "今天到期".to_string()
            } else if n <= 30 {
                format!("只剩 {n} 天")
            } else {
                format!("还剩 {n} 天")
            };
            assert!(page.contains(&left), "{left} missing");
        }
        // The sentence, as askama escapes it (the quotation marks in it are not ASCII).
        let line = d["line_zh"].as_str().unwrap();
        assert!(page.contains(&esc(line)), "{line} missing");
    }
    assert!(page.contains("class=\"deadline "), "{page}");

    // For the contacted people: who, their own rights, the message to send them.
    let fc = &advice["plan"]["for_contacts"];
    assert!(page.contains(&format!("被联系的人：{}", esc(fc["who_zh"].as_str().unwrap()))));
    for r in fc["rights_zh"].as_array().unwrap() {
        assert!(page.contains(&esc(r.as_str().unwrap())), "right missing: {r}");
    }
    assert!(page.contains(&esc(fc["message_zh"].as_str().unwrap())), "message missing");

    // Contradictions are refused with a plain message for the form, nothing saved.
    let r = s.post_form(
        &format!("{base}/facts"),
        &[
            ("csrf", &csrf),
            ("third_parties_contacted", "否"),
            ("contacted_people_shown", "1"),
            ("contacted_people", "relatives"),
        ],
    );
    assert_eq!(r.status, 200);
    let t = r.text();
    let i = t.find("role=\"alert\"").expect("the refusal is shown");
    let alert = &t[i..i + t[i..].find("</p>").unwrap()];
    assert!(
        alert.contains("没有保存") && alert.contains("矛盾") && alert.contains("取消勾选"),
        "{alert}"
    );
    assert!(!alert.contains("anjing facts --set"), "a command line in the web form: {alert}");
    let r = s.post_form(
        &format!("{base}/facts"),
        &[("csrf", &csrf), ("lender_type", "bank"), ("lender_name", "某某网络小额贷款有限公司")],
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("矛盾"), "{}", r.text());
    let facts: serde_json::Value =
        serde_json::from_str(&stdout(&run(&dir, &["facts", "--json"]))).unwrap();
    assert_eq!(facts["contacted_people"], "relatives,colleagues");
    assert!(facts.get("third_parties_contacted").is_none());
    assert_eq!(facts["lender_type"], "credit_card");

    // Every box cleared: the fact is cleared; the section is gone unless evidence shows
    // contacts. A bank loan: no credit-card deadline.
    let r = s.post_form(
        &format!("{base}/facts"),
        &[
            ("csrf", &csrf),
            ("contacted_people_shown", "1"),
            ("lender_type", "bank"),
            ("lender_name", "安和银行股份有限公司"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let facts: serde_json::Value =
        serde_json::from_str(&stdout(&run(&dir, &["facts", "--json"]))).unwrap();
    assert!(facts.get("contacted_people").is_none(), "{facts}");
    let page = s.get(&format!("{base}/plan")).text();
    assert!(!page.contains("信用卡催收录音：至少保存2年"), "{page}");
    assert!(page.contains("lender_type=credit_card"), "how to say it is a credit card");
}

#[test]
fn a_relative_uploads_through_an_intake_link_which_can_be_revoked() {
    let s = start();
    let name = s.new_case("亲友上传");
    let base = format!("/c/{name}");
    let csrf = s.csrf();
    let r = s.post_form(
        &format!("{base}/intake"),
        &[("csrf", &csrf), ("name", "李梅"), ("relation", "母亲"), ("days", "3")],
    );
    assert_eq!(r.status, 200);
    let page = r.text();
    let i = page.find("/i/").unwrap() + 3;
    let token: String = page[i..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 32);

    // Restarted with --lan, serve prints the link for phones (the LAN address when the machine
    // has one); without --lan it says the link needs it.
    let (other, plain) = start_in(tempfile::tempdir().unwrap(), s.root.clone(), &[]);
    drop(other);
    let (other, lan) = start_in(tempfile::tempdir().unwrap(), s.root.clone(), &["--lan"]);
    drop(other);
    let (printed, lan_printed) = (plain.join("\n"), lan.join("\n"));
    assert!(printed.contains("有 1 个亲友上传链接还有效"), "{printed}");
    assert!(!printed.contains(&token), "without --lan no phone link is printed");
    if lan_printed.contains("局域网已开放：") {
        let line = lan_printed.lines().find(|l| l.contains(&token)).expect(&lan_printed);
        assert!(line.contains("李梅（母亲）") && line.contains(&format!("/i/{token}")), "{line}");
        assert!(!line.contains("127.0.0.1"), "{line}");
    } else {
        assert!(lan_printed.contains("没找到本机的局域网地址"), "{lan_printed}");
    }

    // The relative's phone has no session cookie: the link alone opens the upload page.
    let r = s.raw("GET", &format!("/i/{token}"), &[("User-Agent", "Mobile")], b"");
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("李梅，谢谢你帮忙") && page.contains("width=device-width"));
    assert!(!page.contains("亲友上传"), "the page shows nothing of the case");
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let icsrf = page[i..i + 64].to_string();
    // The link's token is not a session: the case pages stay closed.
    assert_eq!(s.raw("GET", &format!("{base}/timeline"), &[], b"").status, 403);

    let r = s.post_multipart(
        &format!("/i/{token}"),
        &[("csrf", &icsrf), ("statement", "12月5日下午有人打我电话，说我儿子欠钱不还")],
        &[("files", "妈妈的短信.xml", &demo_file("mother-sms.xml"))],
        false,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("收到了"), "{}", r.text());
    let o = run(&folder(&s.root, &name), &["records", "--json"]);
    let recs = stdout(&o);
    assert!(
        recs.contains("\"contributor\":\"李梅\"") || recs.contains("\"contributor\": \"李梅\""),
        "{recs}"
    );
    assert!(recs.contains("说我儿子欠钱不还"), "the statement is a record too");

    // Limits: too many files are refused with a clear message, nothing imported.
    let many: Vec<(&str, &str, &[u8])> = (0..31).map(|_| ("files", "a.png", &b"x"[..])).collect();
    let r = s.post_multipart(&format!("/i/{token}"), &[("csrf", &icsrf)], &many, false);
    assert_eq!(r.status, 413);
    assert!(r.text().contains("文件太大或太多"));
    // A wrong token on the upload form is refused.
    let r = s.post_multipart(
        &format!("/i/{token}"),
        &[("csrf", &csrf)],
        &[("files", "x.xml", b"x")],
        false,
    );
    assert_eq!(r.status, 403);

    // Revoked: the link opens nothing any more.
    let r = s.post_form(&format!("{base}/intake/revoke"), &[("csrf", &csrf), ("token", &token)]);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("已作废"));
    assert_eq!(s.raw("GET", &format!("/i/{token}"), &[], b"").status, 404);
    let log = stdout(&run(&folder(&s.root, &name), &["log", "--json"]));
    assert!(log.contains("intake_link") && !log.contains(&token), "logged by hash only");
}

fn more_file(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/more").join(name)).unwrap()
}

/// The files a ZIP stores for another member (an MMS part's photo, a database's `-wal`) are
/// named in plain Chinese on the import page and in the report, never by their format code.
#[test]
fn companion_artifacts_are_named_in_chinese_not_by_their_codes() {
    let s = start();
    let name = s.new_case("附件与预写日志");
    let base = format!("/c/{name}");
    let r = s.post_multipart(
        &format!("{base}/import"),
        &[("csrf", &s.csrf()), ("from", "张伟"), ("relation", "本人")],
        &[
            ("files", "sms-ie-messages.zip", &more_file("sms-ie-messages.zip")),
            ("files", "mmssms-with-wal.zip", &more_file("mmssms-with-wal.zip")),
        ],
        true,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    for page in [r.text(), s.get(&format!("{base}/import")).text()] {
        assert!(page.contains("<td>彩信附件（图片、录音等）</td>"), "{page}");
        assert!(page.contains("<td>数据库的预写日志（-wal）</td>"), "{page}");
        assert!(page.contains("<td>安卓短信数据库（mmssms.db）</td>"), "{page}");
        assert!(!page.contains("<td>mms_part</td>") && !page.contains("<td>sqlite_wal</td>"));
    }

    let dir = folder(&s.root, &name);
    let out = dir.join("r.html");
    assert_status(&run(&dir, &["report", "--all", "-o", out.to_str().unwrap()]), 0);
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(report.contains("格式：彩信附件（图片、录音等）"), "{report}");
    assert!(report.contains("格式：数据库的预写日志（-wal）"));
    assert!(report.contains("格式：安卓短信数据库（mmssms.db）"));
    for code in ["mms_part", "sqlite_wal", "android_mmssms", "sms_ie"] {
        assert!(!report.contains(&format!("格式：{code}")), "{code}");
    }
}
