//! Upload links for the relatives and colleagues who were contacted: one link per person,
//! with an expiry; it opens a phone-friendly page that takes files and a short statement
//! and adds them to the case under that person. The link grants nothing else, and can be
//! revoked. Links live in the case folder's `intake-links.json`; the case log records each
//! link's creation and revocation (by the link's SHA-256, never the link itself).

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use anjing_vault::Case;
use anyhow::{Context, Result, anyhow};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::pages::{Chrome, FileResult, import_received, receive};
use super::util::{self, error_page, failure};
use super::{App, Page, blocking, html};

const LINKS_FILE: &str = "intake-links.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub token: String,
    pub name: String,
    pub relation: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub uploads: u64,
}

impl Link {
    fn usable(&self) -> bool {
        !self.revoked
            && self.expires_at.parse::<jiff::Timestamp>().is_ok_and(|e| e > jiff::Timestamp::now())
    }
}

fn load(dir: &FsPath) -> Result<Vec<Link>> {
    let p = dir.join(LINKS_FILE);
    match std::fs::read(&p) {
        Ok(b) => serde_json::from_slice(&b).with_context(|| format!("{} 已损坏", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("无法读取 {}", p.display())),
    }
}

fn store(dir: &FsPath, links: &[Link]) -> Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &serde_json::to_vec_pretty(links)?)?;
    tmp.persist(dir.join(LINKS_FILE)).map_err(|e| anyhow!("无法保存上传链接：{e}"))?;
    Ok(())
}

fn token_hash(t: &str) -> String {
    hex::encode(Sha256::digest(t.as_bytes()))
}

/// Finds the case and link of a token (every case folder of the root is searched).
fn find(root: &FsPath, token: &str) -> Option<(PathBuf, Link)> {
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    for entry in std::fs::read_dir(root).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(dir) = util::case_dir(root, &name) else { continue };
        if let Ok(links) = load(&dir)
            && let Some(l) =
                links.into_iter().find(|l| util::constant_eq(l.token.as_bytes(), token.as_bytes()))
        {
            return Some((dir, l));
        }
    }
    None
}

/// The links that still work, in every case of the root: (case folder name, link), for the
/// start-up message of `anjing serve --lan`.
pub fn usable_links(root: &FsPath) -> Vec<(String, Link)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else { return out };
    let mut names: Vec<String> =
        entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names {
        let Some(dir) = util::case_dir(root, &name) else { continue };
        for l in load(&dir).unwrap_or_default() {
            if l.usable() {
                out.push((name.clone(), l));
            }
        }
    }
    out
}

pub struct LinkRow {
    pub name: String,
    pub url: String,
    pub expires: String,
    pub state: String,
    pub usable: bool,
    pub token: String,
    pub uploads: u64,
}

#[derive(Template)]
#[template(path = "intake_links.html")]
struct LinksPage {
    chrome: Chrome,
    links: Vec<LinkRow>,
    lan: bool,
}

fn base_url(app: &App) -> String {
    app.lan_base.clone().unwrap_or_else(|| "http://127.0.0.1".into())
}

async fn links_page(app: &Arc<App>, name: &str) -> Page {
    let dir = util::case_dir(&app.root, name)
        .ok_or_else(|| error_page(StatusCode::NOT_FOUND, "没有这个案件", "请回到首页。"))?;
    let case = Case::open(&dir).map_err(|e| failure(e.into()))?;
    let title = case.info().map(|i| i.title).unwrap_or_default();
    let links = load(&dir).map_err(failure)?;
    let base = base_url(app);
    let rows = links
        .iter()
        .rev()
        .map(|l| LinkRow {
            name: super::pages::who(&l.name, &l.relation),
            url: format!("{base}/i/{}", l.token),
            expires: l
                .expires_at
                .parse::<jiff::Timestamp>()
                .map(anjing_model::time::display)
                .unwrap_or_default(),
            state: if l.revoked {
                "已作废".into()
            } else if l.usable() {
                "可以使用".into()
            } else {
                "已过期".into()
            },
            usable: l.usable(),
            token: l.token.clone(),
            uploads: l.uploads,
        })
        .collect();
    let mut chrome = Chrome {
        title: "请亲友上传".into(),
        case: Some(name.to_string()),
        case_title: title,
        active: "intake",
        next_zh: "为被催收电话、短信骚扰过的亲友、同事各建一个链接，发给他们。他们用手机打开就能上传截图、通话记录和短信，不需要安装任何东西。".into(),
        csrf: app.csrf().to_string(),
    };
    if app.lan_base.is_none() {
        chrome.next_zh.push_str(
            "（现在只有这台电脑能打开链接：要让手机能打开，请用 anjing serve --lan 重新启动。）",
        );
    }
    let page = LinksPage { chrome, links: rows, lan: app.lan_base.is_some() };
    Ok(html(page.render().map_err(|e| failure(anyhow!("{e}")))?))
}

pub async fn links(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    links_page(&app, &name).await
}

#[derive(Deserialize)]
pub struct NewLink {
    csrf: String,
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    days: String,
}

pub async fn create(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(f): Form<NewLink>,
) -> Page {
    if !app.check_csrf(&f.csrf) {
        return Err(error_page(StatusCode::FORBIDDEN, "表单已过期", "请刷新页面后重试。"));
    }
    let who = f.name.trim().to_string();
    if who.is_empty() || who.chars().count() > 40 {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "请写上亲友的称呼",
            "例如“李梅”或“妈妈”，最多 40 个字。",
        ));
    }
    let days: i64 = f.days.trim().parse().unwrap_or(7).clamp(1, 90);
    let dir = util::case_dir(&app.root, &name)
        .ok_or_else(|| error_page(StatusCode::NOT_FOUND, "没有这个案件", "请回到首页。"))?;
    let relation = f.relation.trim().chars().take(20).collect::<String>();
    blocking(move || {
        let mut links = load(&dir)?;
        let now = jiff::Timestamp::now();
        let link = Link {
            token: super::random_token()?,
            name: who,
            relation,
            created_at: anjing_model::time::rfc3339_utc(now),
            expires_at: anjing_model::time::rfc3339_utc(
                now + jiff::SignedDuration::from_hours(24 * days),
            ),
            revoked: false,
            uploads: 0,
        };
        let mut case = Case::open(&dir)?;
        case.log_event(
            "intake_link",
            &serde_json::json!({"event": "created", "link_sha256": token_hash(&link.token),
                "name": link.name, "relation": link.relation, "expires_at": link.expires_at}),
        )?;
        links.push(link);
        store(&dir, &links)?;
        crate::export::checkpoint_after(&mut case, "上传链接")?;
        Ok(())
    })
    .await
    .map_err(failure)?;
    links_page(&app, &name).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
    token: String,
}

pub async fn revoke(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Page {
    if !app.check_csrf(&f.csrf) {
        return Err(error_page(StatusCode::FORBIDDEN, "表单已过期", "请刷新页面后重试。"));
    }
    let dir = util::case_dir(&app.root, &name)
        .ok_or_else(|| error_page(StatusCode::NOT_FOUND, "没有这个案件", "请回到首页。"))?;
    blocking(move || {
        let mut links = load(&dir)?;
        let Some(l) = links.iter_mut().find(|l| l.token == f.token) else { return Ok(()) };
        l.revoked = true;
        let mut case = Case::open(&dir)?;
        case.log_event(
            "intake_link",
            &serde_json::json!({"event": "revoked", "link_sha256": token_hash(&f.token)}),
        )?;
        store(&dir, &links)?;
        crate::export::checkpoint_after(&mut case, "上传链接")?;
        Ok(())
    })
    .await
    .map_err(failure)?;
    links_page(&app, &name).await
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    name: String,
    csrf: String,
    token: String,
    results: Vec<FileResult>,
    max_files: usize,
    max_mb: usize,
    done: bool,
}

fn gone() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "这个上传链接不能用了",
        "链接可能已经过期或被作废。请联系把链接发给你的人，让他重新发一个。",
    )
}

pub async fn page(State(app): State<Arc<App>>, Path(token): Path<String>) -> Page {
    let root = app.root.clone();
    let t = token.clone();
    let found = blocking(move || Ok(find(&root, &t))).await.map_err(failure)?;
    let Some((_, link)) = found.filter(|(_, l)| l.usable()) else { return Err(gone()) };
    let p = IntakePage {
        name: link.name,
        csrf: app.intake_csrf(&token),
        token,
        results: Vec::new(),
        max_files: super::INTAKE_MAX_FILES,
        max_mb: super::INTAKE_LIMIT / 1024 / 1024,
        done: false,
    };
    Ok(html(p.render().map_err(|e| failure(anyhow!("{e}")))?))
}

pub async fn upload(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    form: Multipart,
) -> Page {
    let root = app.root.clone();
    let t = token.clone();
    let found = blocking(move || Ok(find(&root, &t))).await.map_err(failure)?;
    let Some((dir, link)) = found.filter(|(_, l)| l.usable()) else { return Err(gone()) };
    let expected = app.intake_csrf(&token);
    let got = receive(
        form,
        &dir,
        move |t| util::constant_eq(t.as_bytes(), expected.as_bytes()),
        super::INTAKE_MAX_FILES,
        super::INTAKE_LIMIT as u64,
    )
    .await?;
    let statement = got.fields.get("statement").map(|s| s.trim().to_string()).unwrap_or_default();
    if got.files.is_empty() && statement.is_empty() {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "还没有选择文件",
            "请先点“选择文件”，选好截图、录音或导出的文件，再点“上传”。",
        ));
    }
    let (name, relation) = (link.name.clone(), link.relation.clone());
    let tok = token.clone();
    let results = blocking(move || {
        let (mut results, _) = import_received(&dir, &got.files, &name, &relation)?;
        if !statement.is_empty() {
            let mut case = Case::open(&dir)?;
            let now = jiff::Timestamp::now();
            let note = anjing_import::note::Note {
                anjing_note: 1,
                kind: "statement".into(),
                time: anjing_model::time::display(now),
                number: String::new(),
                summary: statement.chars().take(5000).collect(),
                from: name.clone(),
                relation: relation.clone(),
                written_at: anjing_model::time::rfc3339_utc(now),
            };
            case.add_note(&note)?;
            crate::export::checkpoint_after(&mut case, "亲友的说明")?;
            results.push(FileResult {
                name: "你写的说明".into(),
                ok: true,
                headline: "已保存".into(),
                lines: Vec::new(),
                problems: Vec::new(),
            });
        }
        let mut links = load(&dir)?;
        if let Some(l) = links.iter_mut().find(|l| l.token == tok) {
            l.uploads += 1;
        }
        store(&dir, &links)?;
        drop(got);
        Ok(results)
    })
    .await
    .map_err(failure)?;
    let p = IntakePage {
        name: link.name,
        csrf: app.intake_csrf(&token),
        token,
        results,
        max_files: super::INTAKE_MAX_FILES,
        max_mb: super::INTAKE_LIMIT / 1024 / 1024,
        done: true,
    };
    Ok(html(p.render().map_err(|e| failure(anyhow!("{e}")))?))
}
