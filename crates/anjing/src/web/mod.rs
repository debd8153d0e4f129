//! `anjing serve`: the local web app (axum + askama, server-rendered, a little progressive
//! JavaScript). It walks the path of the seed articles: 案件 → 导入 → 时间线 → 号码 → 怎么办 →
//! 文书 → 证据包, plus upload links for the relatives who were contacted.
//!
//! # Security model
//!
//! - Bound to 127.0.0.1 unless `--lan` is given; then it prints the address phones can use.
//! - A random secret per start, in the URL it prints (`/?token=…`). The first request with
//!   it gets a cookie (`HttpOnly; SameSite=Strict`) and a redirect that drops the token from
//!   the address bar; any request without the cookie (or the token) gets 403. The only pages
//!   reachable without it are `/static/*` (CSS and JS, no data) and `/i/<link token>`: the
//!   upload page of one intake link, which grants nothing else.
//! - Every POST carries a CSRF token (a form field, derived from the secret) and is refused
//!   when the browser says it comes from another site (`Sec-Fetch-Site`, `Origin`).
//! - A strict Content-Security-Policy (`default-src 'none'`, scripts and styles only from this
//!   server, no inline script), `nosniff`, `Referrer-Policy: same-origin` (with `no-referrer` browsers send `Origin: null` even on our own forms), `no-store`. Every message text is
//!   HTML-escaped by askama; highlighted texts come from `anjing_report::highlight_html`,
//!   which escapes too.
//! - Case names in URLs are folder names checked against the listing of the cases folder;
//!   downloads are looked up by name in what the case stored, never joined to a path;
//!   uploads are streamed to a private temporary folder under size and count limits.

#![allow(clippy::result_large_err)] // handlers return `Result<Response, Response>`: both sides are pages.

mod intake;
mod pages;
mod util;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};

use crate::exit::Status;

/// Largest upload of the borrower's own import form (a full phone backup can be large).
pub const IMPORT_LIMIT: usize = 1024 * 1024 * 1024;
/// Largest upload through an intake link, all files together.
pub const INTAKE_LIMIT: usize = 200 * 1024 * 1024;
/// Most files per intake upload.
pub const INTAKE_MAX_FILES: usize = 30;
/// Largest evidence package accepted for verification.
pub const VERIFY_LIMIT: usize = 4 * 1024 * 1024 * 1024 - 1;

/// The cookie that carries the session secret.
const COOKIE: &str = "anjing_session";

/// Shared state of one server start.
pub struct App {
    /// The folder that holds the cases (each case is a sub-folder).
    pub root: PathBuf,
    secret: String,
    csrf: String,
    /// Address printed for phones (`--lan`), e.g. `http://192.168.1.5:8080`.
    pub lan_base: Option<String>,
}

impl App {
    /// State for serving `root` with the given secret (tests pass their own).
    pub fn new(root: PathBuf, secret: String, lan_base: Option<String>) -> App {
        let csrf = hex::encode(Sha256::digest(format!("anjing-csrf\0{secret}")));
        App { root, secret, csrf, lan_base }
    }

    /// The CSRF token every form of the borrower's pages carries.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The CSRF token of an intake link's page (bound to the link).
    pub fn intake_csrf(&self, link: &str) -> String {
        hex::encode(Sha256::digest(format!("anjing-intake-csrf\0{}\0{link}", self.secret)))
    }

    pub fn check_csrf(&self, given: &str) -> bool {
        util::constant_eq(given.as_bytes(), self.csrf.as_bytes())
    }
}

/// A fresh random secret (128 bits, hex).
pub fn random_token() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("系统随机数不可用：{e}"))?;
    Ok(hex::encode(b))
}

/// The app's routes with its middleware.
pub fn router(app: Arc<App>) -> Router {
    let import_routes = Router::new()
        .route("/c/{case}/import", post(pages::import_post))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT));
    let verify_routes = Router::new()
        .route("/verify", post(pages::verify_post))
        .layer(DefaultBodyLimit::max(VERIFY_LIMIT));
    let intake_routes = Router::new()
        .route("/i/{link}", get(intake::page).post(intake::upload))
        .layer(DefaultBodyLimit::max(INTAKE_LIMIT + 64 * 1024));
    Router::new()
        .route("/", get(pages::cases))
        .route("/cases", post(pages::create_case))
        .route("/c/{case}/", get(pages::overview))
        .route("/c/{case}/import", get(pages::import_page))
        .route("/c/{case}/timeline", get(pages::timeline))
        .route("/c/{case}/review", post(pages::review_post))
        .route("/c/{case}/numbers", get(pages::numbers))
        .route("/c/{case}/plan", get(pages::plan))
        .route("/c/{case}/facts", post(pages::facts_post))
        .route("/c/{case}/docs", get(pages::docs_page).post(pages::docs_post))
        .route("/c/{case}/docs/{file}", get(pages::docs_download))
        .route("/c/{case}/package", get(pages::package_page))
        .route("/c/{case}/export", post(pages::export_post))
        .route("/c/{case}/package/{file}", get(pages::package_download))
        .route("/c/{case}/intake", get(intake::links).post(intake::create))
        .route("/c/{case}/intake/revoke", post(intake::revoke))
        .route("/static/app.css", get(util::css))
        .route("/static/app.js", get(util::js))
        .merge(import_routes)
        .merge(verify_routes)
        .merge(intake_routes)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(middleware::from_fn(security_headers))
        .with_state(app)
}

/// Paths reachable without the session secret.
fn public_path(path: &str) -> bool {
    path.starts_with("/static/") || path.starts_with("/i/")
}

/// The secret check and the cross-site check (see the module doc).
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST && cross_site(req.headers()) {
        return util::error_page(
            StatusCode::FORBIDDEN,
            "请求被拒绝",
            "这个请求来自别的网站，安静不接受。请直接在安静的页面里操作。",
        );
    }
    let path = req.uri().path().to_string();
    if public_path(&path) {
        return next.run(req).await;
    }
    let query_token = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")).map(|t| t.to_string()));
    if let Some(t) = query_token {
        if util::constant_eq(t.as_bytes(), app.secret.as_bytes()) {
            // Set the cookie and drop the token from the address bar (and from history).
            let mut resp = Redirect::to(&path).into_response();
            let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", app.secret);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            return resp;
        }
        return forbidden();
    }
    let has_cookie = util::cookie(req.headers(), COOKIE)
        .is_some_and(|c| util::constant_eq(c.as_bytes(), app.secret.as_bytes()));
    if !has_cookie {
        return forbidden();
    }
    next.run(req).await
}

fn forbidden() -> Response {
    util::error_page(
        StatusCode::FORBIDDEN,
        "需要启动时显示的地址",
        "为了保护你的资料，请用运行 anjing serve 时显示的完整地址（带 token=…）打开安静。地址每次启动都会变。",
    )
}

/// Whether the browser says a request comes from another site.
fn cross_site(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), h.get(header::HOST)) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let host = host.to_str().unwrap_or("");
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) != Some(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
               connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    resp
}

/// Options of `anjing serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// 存放案件的文件夹（每个案件一个子文件夹；默认：当前文件夹）。Folder holding the cases.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// 端口（默认 8377；0 表示随便一个空闲端口）。Port.
    #[arg(long, default_value_t = 8377)]
    pub port: u16,
    /// 允许同一局域网的手机访问（亲友上传证据用）。Listen on the local network too.
    #[arg(long)]
    pub lan: bool,
    /// 启动后用浏览器打开。Open the browser.
    #[arg(long)]
    pub open: bool,
}

/// `anjing serve`.
pub fn serve(default_root: &std::path::Path, args: &ServeArgs) -> Result<Status> {
    let root = args.root.clone().unwrap_or_else(|| default_root.to_path_buf());
    std::fs::create_dir_all(&root)
        .with_context(|| format!("无法创建案件文件夹 {}", root.display()))?;
    let root = root.canonicalize().unwrap_or(root);
    let ip: IpAddr =
        if args.lan { Ipv4Addr::UNSPECIFIED.into() } else { Ipv4Addr::LOCALHOST.into() };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动网页服务")?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port)).await.with_context(
                || format!("端口 {} 已被占用或不能使用，请换一个：--port 8378", args.port),
            )?;
        let port = listener.local_addr()?.port();
        let secret = random_token()?;
        let lan_base =
            if args.lan { util::lan_address().map(|a| format!("http://{a}:{port}")) } else { None };
        let app = Arc::new(App::new(root.clone(), secret.clone(), lan_base.clone()));
        let url = format!("http://127.0.0.1:{port}/?token={secret}");
        println!("安静已在本机启动。请用浏览器打开（不要把这个地址发给别人）：");
        println!("  {url}");
        println!("案件文件夹：{}", root.display());
        let links = intake::usable_links(&root);
        match &lan_base {
            Some(base) => {
                println!("局域网已开放：和这台电脑连同一个 Wi-Fi 的手机可以打开亲友上传地址：");
                println!("  {base}/i/<链接码>（在“请亲友上传”页面为每位亲友生成）");
                for (case, l) in &links {
                    let until = l
                        .expires_at
                        .parse::<jiff::Timestamp>()
                        .map(anjing_model::time::display)
                        .unwrap_or_default();
                    let who = if l.relation.is_empty() {
                        l.name.clone()
                    } else {
                        format!("{}（{}）", l.name, l.relation)
                    };
                    println!("  {who} · 案件“{case}”：{base}/i/{}（{until} 前有效）", l.token);
                }
            }
            None if args.lan => println!(
                "局域网已开放，但没找到本机的局域网地址：请确认电脑已连上 Wi-Fi 或网线后重新启动。"
            ),
            None => {
                println!("只有这台电脑能访问。要让亲友用手机上传证据，请加上 --lan 重新启动。");
                if !links.is_empty() {
                    println!(
                        "（有 {} 个亲友上传链接还有效；加上 --lan 后手机才能打开。）",
                        links.len()
                    );
                }
            }
        }
        println!("按 Ctrl+C 停止。");
        if args.open {
            util::open_browser(&url);
        }
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("网页服务出错")?;
        println!("安静已停止。");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Status::Ok)
}

/// Runs blocking vault work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f).await.context("后台任务中断")?
}

pub(crate) type Page = Result<Response, Response>;

pub(crate) fn html(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
        Body::from(body),
    )
        .into_response()
}
