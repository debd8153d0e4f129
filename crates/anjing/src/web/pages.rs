//! The borrower's pages: 案件 → 导入 → 时间线 → 号码 → 怎么办 → 文书 → 证据包.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use anjing_law::{Applies, CaseScope};
use anjing_model::Practice;
use anjing_vault::Case;
use anjing_vault::review::Decision;
use anyhow::{Context, Result, anyhow};
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::util::{self, error_page, failure};
use super::{App, Page, blocking, html};

/// What every page shows around its content.
pub struct Chrome {
    pub title: String,
    /// Folder name of the open case (for the navigation), if any.
    pub case: Option<String>,
    pub case_title: String,
    /// Which step is shown (`import`, `timeline`…).
    pub active: &'static str,
    /// The "现在该做什么" line.
    pub next_zh: String,
    pub csrf: String,
}

impl Chrome {
    fn new(app: &App, title: &str, active: &'static str, next: &str) -> Chrome {
        Chrome {
            title: title.into(),
            case: None,
            case_title: String::new(),
            active,
            next_zh: next.into(),
            csrf: app.csrf().to_string(),
        }
    }

    fn for_case(app: &App, c: &OpenCase, title: &str, active: &'static str, next: &str) -> Chrome {
        let mut ch = Chrome::new(app, title, active, next);
        ch.case = Some(c.name.clone());
        ch.case_title = c.title.clone();
        ch
    }

    /// The journey's steps, for the navigation bar.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(case) = &self.case else { return Vec::new() };
        let base = format!("/c/{}/", util::pct(case));
        [
            ("overview", "", "概况"),
            ("import", "import", "1 导入"),
            ("timeline", "timeline", "2 时间线"),
            ("numbers", "numbers", "3 号码"),
            ("plan", "plan", "4 怎么办"),
            ("docs", "docs", "5 文书"),
            ("package", "package", "6 证据包"),
            ("intake", "intake", "请亲友上传"),
        ]
        .into_iter()
        .map(|(key, path, label)| NavItem {
            href: format!("{base}{path}"),
            label,
            current: key == self.active,
        })
        .collect()
    }

    /// The case's base URL (`/c/<name>/`).
    pub fn base(&self) -> String {
        self.case.as_ref().map(|c| format!("/c/{}/", util::pct(c))).unwrap_or_else(|| "/".into())
    }
}

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(s) => html(s),
        Err(e) => failure(anyhow!("页面生成失败：{e}")),
    }
}

pub struct OpenCase {
    pub name: String,
    pub dir: PathBuf,
    pub title: String,
}

fn open_case(app: &App, name: &str) -> Result<OpenCase, Response> {
    let dir = util::case_dir(&app.root, name).ok_or_else(|| {
        error_page(StatusCode::NOT_FOUND, "没有这个案件", "案件文件夹不存在，请回到首页重新选择。")
    })?;
    let case = Case::open(&dir).map_err(|e| failure(e.into()))?;
    let title = case.info().map(|i| i.title).unwrap_or_default();
    Ok(OpenCase { name: name.to_string(), dir, title })
}

fn bad_csrf() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "表单已过期",
        "这个表单来自之前的启动或别的网页，为安全起见没有执行。请回到上一页刷新后重试。",
    )
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "找不到这个页面", "请从首页重新开始。")
}

// ---- 案件 ------------------------------------------------------------------------------

pub struct CaseRow {
    pub link: String,
    pub name: String,
    pub title: String,
    pub records: usize,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    cases: Vec<CaseRow>,
}

pub async fn cases(State(app): State<Arc<App>>) -> Page {
    let root = app.root.clone();
    let cases = blocking(move || {
        let mut out = Vec::new();
        for entry in
            std::fs::read_dir(&root).with_context(|| format!("无法读取 {}", root.display()))?
        {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(dir) = util::case_dir(&root, &name) else { continue };
            let Ok(case) = Case::open(&dir) else { continue };
            let title = case.info().map(|i| i.title).unwrap_or_default();
            let records: usize = case
                .connection()
                .query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0))
                .unwrap_or(0) as usize;
            out.push(CaseRow { link: format!("/c/{}/", util::pct(&name)), name, title, records });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    })
    .await
    .map_err(failure)?;
    let next = if cases.is_empty() {
        "先新建一个案件：给它起个名字，例如“张伟 被催收”。"
    } else {
        "打开你的案件，继续上次的步骤；或者新建一个。"
    };
    Ok(render(CasesPage { chrome: Chrome::new(&app, "我的案件", "cases", next), cases }))
}

#[derive(Deserialize)]
pub struct NewCase {
    csrf: String,
    title: String,
}

pub async fn create_case(State(app): State<Arc<App>>, Form(f): Form<NewCase>) -> Page {
    if !app.check_csrf(&f.csrf) {
        return Err(bad_csrf());
    }
    let title = f.title.trim().to_string();
    if title.is_empty() {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "请给案件起个名字",
            "名字只是方便你自己找，例如“张伟 被催收”。",
        ));
    }
    let root = app.root.clone();
    let name = blocking(move || {
        let base = util::folder_for_title(&title);
        let mut name = base.clone();
        let mut n = 2;
        while root.join(&name).exists() {
            name = format!("{base}-{n}");
            n += 1;
        }
        Case::init(&root.join(&name), &title)?;
        Ok(name)
    })
    .await
    .map_err(failure)?;
    Ok(see_other(&format!("/c/{}/import", util::pct(&name))))
}

// ---- 概况 ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    chrome: Chrome,
    records: usize,
    artifacts: usize,
    findings: usize,
    unreviewed: usize,
    contributors: Vec<String>,
    first_steps: Vec<(String, String)>,
}

pub async fn overview(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let (records, artifacts, findings, unreviewed, contributors) = blocking(move || {
        let case = Case::open(&dir)?;
        let n: i64 =
            case.connection().query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
        let arts = case.artifacts()?;
        let f = case.findings()?;
        let unrev = f.iter().filter(|f| f.review.is_none()).count();
        let mut who: Vec<String> = arts
            .iter()
            .map(|a| crate::web::pages::who(&a.contributor, &a.relation))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        who.sort();
        Ok((n as usize, arts.len(), f.len(), unrev, who))
    })
    .await
    .map_err(failure)?;
    let next = if artifacts == 0 {
        "第一步：把手机里导出的短信、通话记录（或截图、录音）导入进来。"
    } else if unreviewed > 0 {
        "看一看“时间线”：安静标出的每一条问题都写明了理由，不对的可以否定。"
    } else {
        "看“怎么办”：按你的情况该向哪里投诉、先做什么。"
    };
    let first_steps = anjing_law::first_steps()
        .iter()
        .map(|g| (g.title_zh.clone(), g.detail_zh.clone()))
        .collect();
    Ok(render(OverviewPage {
        chrome: Chrome::for_case(&app, &c, "概况", "overview", next),
        records,
        artifacts,
        findings,
        unreviewed,
        contributors,
        first_steps,
    }))
}

pub fn who(name: &str, relation: &str) -> String {
    if relation.is_empty() { name.to_string() } else { format!("{name}（{relation}）") }
}

// ---- 导入 ------------------------------------------------------------------------------

pub struct ArtifactRow {
    pub file_name: String,
    pub who: String,
    pub format: String,
    pub records: i64,
    pub problems: i64,
    pub damaged: bool,
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    artifacts: Vec<ArtifactRow>,
    results: Vec<FileResult>,
    analysed: Option<String>,
    limit_mb: usize,
}

/// What happened to one uploaded file, in plain words.
pub struct FileResult {
    pub name: String,
    pub ok: bool,
    pub headline: String,
    pub lines: Vec<String>,
    pub problems: Vec<String>,
}

fn artifact_rows(case: &Case) -> Result<Vec<ArtifactRow>> {
    Ok(case
        .artifacts()?
        .into_iter()
        .map(|a| ArtifactRow {
            file_name: a.file_name,
            who: match a.device.trim() {
                "" => who(&a.contributor, &a.relation),
                device => format!("{} · {device}", who(&a.contributor, &a.relation)),
            },
            format: anjing_import::artifact_format_name_zh(&a.format).to_string(),
            records: a.records,
            problems: a.problems,
            damaged: a.status == "damaged",
            sha256: a.sha256,
        })
        .collect())
}

pub async fn import_page(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let artifacts = blocking(move || artifact_rows(&Case::open(&dir)?)).await.map_err(failure)?;
    let next = "选择手机导出的文件（短信备份 XML、通话记录、iPhone 备份里的 sms.db、ZIP、截图、录音），写上是谁提供的，点“导入”。";
    Ok(render(ImportPage {
        chrome: Chrome::for_case(&app, &c, "导入证据", "import", next),
        artifacts,
        results: Vec::new(),
        analysed: None,
        limit_mb: super::IMPORT_LIMIT / 1024 / 1024,
    }))
}

/// Files received from a form, in a private temporary folder.
pub struct Received {
    pub _dir: tempfile::TempDir,
    pub files: Vec<(String, PathBuf)>,
    pub fields: BTreeMap<String, String>,
}

/// Reads a multipart form: text fields (the CSRF field must come before any file) and files
/// streamed to disk, refusing more than `max_files` or `max_bytes` in all.
pub async fn receive(
    mut form: Multipart,
    under: &FsPath,
    csrf_ok: impl Fn(&str) -> bool,
    max_files: usize,
    max_bytes: u64,
) -> Result<Received, Response> {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::Builder::new()
        .prefix(".upload-")
        .tempdir_in(under)
        .map_err(|e| failure(anyhow!("无法创建临时文件夹：{e}")))?;
    let mut out = Received { _dir: dir, files: Vec::new(), fields: BTreeMap::new() };
    let mut total: u64 = 0;
    let too_big = || {
        error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "文件太大或太多",
            &format!(
                "一次最多上传 {max_files} 个文件、共 {} MB。什么都没有导入；请分几次上传。",
                max_bytes / 1024 / 1024
            ),
        )
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "上传中断",
                    &format!("没有收到完整的文件：{e}"),
                ));
            }
        };
        let fname = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            None => {
                let v = field.text().await.map_err(|_| too_big())?;
                out.fields.insert(fname, v);
            }
            Some(given) => {
                if !out.fields.get("csrf").is_some_and(|t| csrf_ok(t)) {
                    return Err(bad_csrf());
                }
                let mut field = field;
                if given.is_empty() {
                    // An empty file input.
                    while let Ok(Some(_)) = field.chunk().await {}
                    continue;
                }
                if out.files.len() >= max_files {
                    return Err(too_big());
                }
                let name = util::upload_name(&given);
                let path = out._dir.path().join(format!("{}", out.files.len()));
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| failure(anyhow!("无法保存上传的文件：{e}")))?;
                loop {
                    match field.chunk().await {
                        Ok(Some(bytes)) => {
                            total += bytes.len() as u64;
                            if total > max_bytes {
                                return Err(too_big());
                            }
                            file.write_all(&bytes)
                                .await
                                .map_err(|e| failure(anyhow!("无法保存上传的文件：{e}")))?;
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(too_big());
                        }
                        Err(e) => {
                            return Err(error_page(
                                StatusCode::BAD_REQUEST,
                                "上传中断",
                                &format!("没有收到完整的文件：{e}"),
                            ));
                        }
                    }
                }
                file.flush().await.map_err(|e| failure(anyhow!("{e}")))?;
                out.files.push((name, path));
            }
        }
    }
    if !out.fields.get("csrf").is_some_and(|t| csrf_ok(t)) {
        return Err(bad_csrf());
    }
    Ok(out)
}

/// Imports received files into a case under one contributor, then analyses and signs.
pub fn import_received(
    dir: &FsPath,
    files: &[(String, PathBuf)],
    from: &str,
    relation: &str,
) -> Result<(Vec<FileResult>, Option<String>)> {
    let mut case = Case::open(dir)?;
    let mut results = Vec::new();
    let mut any = false;
    for (name, path) in files {
        let mut opts = anjing_vault::members::ImportOptions::default();
        opts.hints.file_name = name.clone();
        match case.import_file_with(path, from, relation, &mut opts) {
            Ok(r) => {
                any |= !r.already_imported;
                results.push(file_result(name, &r));
            }
            Err(e @ anjing_vault::VaultError::NotAnExport { .. }) => results.push(FileResult {
                name: name.clone(),
                ok: false,
                headline: "没有导入：不是安静认得的导出文件".into(),
                lines: vec![e.to_string()],
                problems: Vec::new(),
            }),
            Err(e) => {
                let _ = case.checkpoint();
                return Err(anyhow::Error::new(e).context(format!("导入 {name} 失败")));
            }
        }
    }
    let analysed = if any {
        let detail = crate::detect_cmds::analyze_case(&mut case, None)?;
        Some(format!(
            "已自动分析：收到的 {} 条短信中，{} 条是催收短信；共发现 {} 项问题。",
            detail["records_classified"], detail["collection_messages"], detail["findings"]
        ))
    } else {
        None
    };
    crate::export::checkpoint_after(&mut case, "导入")?;
    Ok((results, analysed))
}

fn file_result(name: &str, r: &anjing_vault::ImportReport) -> FileResult {
    let fmt = r.format.map(|f| f.name_zh()).unwrap_or("未知格式");
    if r.already_imported {
        return FileResult {
            name: name.into(),
            ok: true,
            headline: format!("[{fmt}] 以前已经导入过，案件没有改动"),
            lines: vec![format!("SHA-256：{}", r.artifact)],
            problems: Vec::new(),
        };
    }
    let kinds: Vec<String> = r
        .by_kind
        .iter()
        .map(|(k, n)| {
            let k = anjing_model::RecordKind::from_code(k).map(|k| k.name_zh()).unwrap_or(k);
            format!("{k} {n}")
        })
        .collect();
    let mut lines = vec![
        format!(
            "读到 {} 条（{}），新增 {}，与已有导出重复并合并 {}",
            r.records_read,
            kinds.join("、"),
            r.records_new,
            r.records_merged
        ),
        format!("原样保存，SHA-256：{}（{} 字节）", r.artifact, r.size),
    ];
    if let Some(w) = &r.wal_later {
        lines.insert(
            0,
            format!(
                "这个数据库以前已经导入过；这次原样保存了它的 {}，补充导入其中的记录（其余 {} 条已在案件中）",
                w.wal_file, w.records_already_in_case
            ),
        );
    }
    for m in &r.members {
        lines.push(format!("  压缩包里的 {}：新增 {} 条", m.file, m.records_new));
    }
    let mut problems: Vec<String> = r
        .problems
        .iter()
        .map(|p| {
            let at = p
                .locator
                .as_ref()
                .map(|l| format!("（{}，第 {} 行第 {} 列）", l.path, l.line, l.column))
                .unwrap_or_default();
            format!("{}{at}", p.message_zh)
        })
        .collect();
    if r.problem_count as usize > problems.len() {
        problems.push(format!("……共 {} 处问题，都记在案件里", r.problem_count));
    }
    let headline = if r.damaged {
        format!("[{fmt}] 文件有损坏：能读的 {} 条都保存了", r.records_read)
    } else {
        format!("[{fmt}] 导入完成")
    };
    FileResult { name: name.into(), ok: !r.damaged, headline, lines, problems }
}

pub async fn import_post(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    form: Multipart,
) -> Page {
    let c = open_case(&app, &name)?;
    let app2 = app.clone();
    let got =
        receive(form, &c.dir, move |t| app2.check_csrf(t), 500, super::IMPORT_LIMIT as u64).await?;
    let from = got.fields.get("from").map(|s| s.trim().to_string()).unwrap_or_default();
    let relation = got.fields.get("relation").map(|s| s.trim().to_string()).unwrap_or_default();
    let from = if from.is_empty() { "本人".to_string() } else { from };
    let relation =
        if relation.is_empty() && from == "本人" { "本人".to_string() } else { relation };
    if got.files.is_empty() {
        return Err(error_page(StatusCode::BAD_REQUEST, "没有选择文件", "请先选择要导入的文件。"));
    }
    let dir = c.dir.clone();
    let (results, analysed, artifacts) = blocking(move || {
        let (results, analysed) = import_received(&dir, &got.files, &from, &relation)?;
        drop(got);
        Ok((results, analysed, artifact_rows(&Case::open(&dir)?)?))
    })
    .await
    .map_err(failure)?;
    let next = "导入好了。下一步看“时间线”：每一条被标出的问题都写明了理由。";
    Ok(render(ImportPage {
        chrome: Chrome::for_case(&app, &c, "导入结果", "import", next),
        artifacts,
        results,
        analysed,
        limit_mb: super::IMPORT_LIMIT / 1024 / 1024,
    }))
}

// ---- 时间线 ----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct TimelineQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    contributor: String,
    #[serde(default)]
    practice: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    only: String,
    #[serde(default)]
    page: usize,
}

pub struct FindingCard {
    pub id: i64,
    /// A pattern over many records (night contact, flooding…), not this message alone.
    pub pattern: bool,
    pub practice_zh: String,
    pub explanation: String,
    pub bases: Vec<String>,
    pub state: String,
    pub reason: String,
}

pub struct RecordCard {
    pub id: i64,
    pub time: String,
    pub kind: String,
    pub direction: String,
    pub counterparty: String,
    pub who: String,
    /// Escaped, highlighted HTML of the text (from `anjing_report::highlight_html`).
    pub text_html: String,
    pub call: String,
    pub findings: Vec<FindingCard>,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    chrome: Chrome,
    q: TimelineQuery,
    records: Vec<RecordCard>,
    total: usize,
    page: usize,
    pages: usize,
    prev_link: Option<String>,
    next_link: Option<String>,
    contributors: Vec<String>,
    practices: Vec<(String, String)>,
    back: String,
}

const PAGE_SIZE: usize = 50;

pub async fn timeline(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Page {
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let qn = q.number.trim().to_string();
    let qc = q.contributor.trim().to_string();
    let qp = q.practice.trim().to_string();
    let (qf, qt) = (q.from.trim().to_string(), q.to.trim().to_string());
    let only = q.only == "findings";
    let page = q.page.max(1);
    let (cards, total, contributors) = blocking(move || {
        let case = Case::open(&dir)?;
        let day_ms = |d: jiff::civil::Date| {
            anjing_model::time::shanghai_midnight(d).map(|t| t.as_millisecond())
        };
        let filter = anjing_vault::RecordFilter {
            number: (!qn.is_empty()).then(|| anjing_model::phone::parse(&qn).normalized),
            counterparty_contains: (!qn.is_empty()).then(|| qn.clone()),
            contributor: (!qc.is_empty()).then(|| qc.clone()),
            practice: (!qp.is_empty()).then(|| qp.clone()),
            flagged_only: only,
            from_ms: qf.parse::<jiff::civil::Date>().ok().and_then(day_ms),
            to_ms: qt
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| d.tomorrow().ok())
                .and_then(day_ms),
        };
        let got = case.records_page(&filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let ids: Vec<i64> = got.records.iter().map(|r| r.id).collect();
        let findings = case.findings_for_records(&ids)?;
        let on_page: std::collections::HashSet<i64> = ids.iter().copied().collect();
        let mut by_record: BTreeMap<i64, Vec<&anjing_vault::FindingView>> = BTreeMap::new();
        for f in &findings {
            if let Some(id) = f.record_id {
                by_record.entry(id).or_default().push(f);
            }
            for id in &f.record_ids {
                if Some(*id) != f.record_id && on_page.contains(id) {
                    by_record.entry(*id).or_default().push(f);
                }
            }
        }
        let scope = anjing_law::CaseScope::from_facts(&case.facts()?);
        let cards = got
            .records
            .iter()
            .map(|r| card(r, by_record.get(&r.id).map(Vec::as_slice).unwrap_or(&[]), &scope))
            .collect::<Vec<_>>();
        Ok((cards, got.total, case.contributor_names()?))
    })
    .await
    .map_err(failure)?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let link = |p: usize| {
        format!(
            "?number={}&contributor={}&practice={}&from={}&to={}&only={}&page={p}",
            util::pct(&q.number),
            util::pct(&q.contributor),
            util::pct(&q.practice),
            util::pct(&q.from),
            util::pct(&q.to),
            util::pct(&q.only)
        )
    };
    let prev_link = (page > 1).then(|| link(page - 1));
    let next_link = (page < pages).then(|| link(page + 1));
    let back = link(page);
    let practices =
        Practice::ALL.iter().map(|p| (p.code().to_string(), p.name_zh().to_string())).collect();
    let next = "标黄的字是安静认为有问题的地方，下面写了理由。你认为不对的，点“不对”并写一句原因；对的点“确认”。";
    Ok(render(TimelinePage {
        chrome: Chrome::for_case(&app, &c, "时间线", "timeline", next),
        q,
        records: cards,
        total,
        page,
        pages,
        prev_link,
        next_link,
        contributors,
        practices,
        back,
    }))
}

/// The built-in law data, loaded once (the timeline is served per request).
fn law() -> Option<&'static anjing_law::Library> {
    static LAW: std::sync::OnceLock<Option<anjing_law::Library>> = std::sync::OnceLock::new();
    LAW.get_or_init(|| anjing_law::Library::builtin().ok()).as_ref()
}

/// Whether a basis stored with a finding still applies to the case as it is now (its lender
/// type and stated facts may have been filled in after the analysis).
fn still_applies(practice: Practice, basis: &serde_json::Value, scope: &CaseScope) -> bool {
    law().is_none_or(|l| {
        l.applies_to(practice, basis["id"].as_str().unwrap_or(""), scope) == Applies::Yes
    })
}

fn card(
    r: &anjing_vault::RecordView,
    fs: &[&anjing_vault::FindingView],
    scope: &CaseScope,
) -> RecordCard {
    let spans: Vec<(usize, usize, Practice)> = fs
        .iter()
        .filter(|f| f.record_id == Some(r.id))
        .flat_map(|f| f.spans.iter().map(move |s| (s[0], s[1], f.practice)))
        .collect();
    let text_html =
        r.text.as_deref().map(|t| anjing_report::highlight_html(t, &spans)).unwrap_or_default();
    let call = match (r.kind, r.duration_s, r.call_result) {
        (anjing_model::RecordKind::Call, d, res) => {
            let res = res.map(|c| c.name_zh()).unwrap_or("");
            format!("{res} {}", d.map(|d| format!("{d} 秒")).unwrap_or_default())
        }
        _ => String::new(),
    };
    RecordCard {
        id: r.id,
        time: r.time_local.clone().unwrap_or_else(|| format!("（时间不明：{}）", r.time_raw)),
        kind: r.kind.name_zh().into(),
        direction: r.direction.name_zh().into(),
        counterparty: r.counterparty.clone(),
        who: who(&r.contributor, &r.contributor_relation),
        text_html,
        call,
        findings: fs
            .iter()
            .map(|f| FindingCard {
                id: f.id,
                pattern: f.record_id != Some(r.id),
                practice_zh: f.practice.name_zh().into(),
                explanation: f.explanation.clone(),
                bases: f
                    .legal_bases
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|b| still_applies(f.practice, b, scope))
                            .map(|b| {
                                format!(
                                    "{}（{}）",
                                    b["citation_zh"].as_str().unwrap_or(""),
                                    b["confidence_label_zh"].as_str().unwrap_or("")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                state: match &f.review {
                    Some(s) => s.decision.name_zh().to_string(),
                    None => String::new(),
                },
                reason: f.review.as_ref().map(|s| s.reason.clone()).unwrap_or_default(),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    finding: i64,
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

pub async fn review_post(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Page {
    if !app.check_csrf(&f.csrf) {
        return Err(bad_csrf());
    }
    let c = open_case(&app, &name)?;
    let decision = Decision::from_code(&f.decision).ok_or_else(|| {
        error_page(StatusCode::BAD_REQUEST, "没有这个选项", "请选择“确认”或“不对”。")
    })?;
    // The reason is optional for every decision, as in `anjing review reject`.
    let reason = f.reason.trim().to_string();
    let dir = c.dir.clone();
    let id = f.finding;
    blocking(move || {
        let mut case = Case::open(&dir)?;
        let finding =
            case.finding_by_ref(&id.to_string())?.ok_or_else(|| anyhow!("找不到第 {id} 项发现"))?;
        let about = serde_json::json!({
            "id": finding.id, "practice": finding.practice, "rule": finding.rule,
            "record_id": finding.record_id, "rules_version": finding.rules_version,
        });
        case.record_review(&finding.finding_key, decision, &reason, &about)?;
        crate::export::checkpoint_after(&mut case, "复核结论")?;
        Ok(())
    })
    .await
    .map_err(failure)?;
    let back = if f.back.starts_with('?') { f.back } else { String::new() };
    Ok(see_other(&format!("/c/{}/timeline{back}#f{id}", util::pct(&name))))
}

// ---- 号码 ------------------------------------------------------------------------------

pub struct NumberRow {
    pub number: String,
    pub class_zh: String,
    pub place: String,
    pub sms: usize,
    pub calls: usize,
    pub findings: usize,
    pub practices: String,
    pub first: String,
    pub last: String,
    pub contacted: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "numbers.html")]
struct NumbersPage {
    chrome: Chrome,
    numbers: Vec<NumberRow>,
    charts: Vec<(String, String)>,
}

pub async fn numbers(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let case_name = name.clone();
    let (numbers, charts) = blocking(move || {
        let case = Case::open(&dir)?;
        let findings = case.findings()?;
        let mut fcount: BTreeMap<i64, Vec<Practice>> = BTreeMap::new();
        for f in &findings {
            if let Some(id) = f.record_id {
                fcount.entry(id).or_default().push(f.practice);
            }
        }
        struct Acc {
            sms: usize,
            calls: usize,
            findings: usize,
            practices: BTreeSet<&'static str>,
            first: Option<jiff::Timestamp>,
            last: Option<jiff::Timestamp>,
            contacted: BTreeSet<String>,
        }
        let mut by: BTreeMap<String, Acc> = BTreeMap::new();
        case.for_each_record(|r| {
            let a = by.entry(r.number.clone()).or_insert(Acc {
                sms: 0,
                calls: 0,
                findings: 0,
                practices: BTreeSet::new(),
                first: None,
                last: None,
                contacted: BTreeSet::new(),
            });
            if r.kind == anjing_model::RecordKind::Call {
                a.calls += 1
            } else {
                a.sms += 1
            }
            if let Some(ps) = fcount.get(&r.id) {
                a.findings += ps.len();
                a.practices.extend(ps.iter().map(|p| p.name_zh()));
            }
            if let Some(t) = r.timestamp() {
                a.first = Some(a.first.map_or(t, |f| f.min(t)));
                a.last = Some(a.last.map_or(t, |l| l.max(t)));
            }
            a.contacted.insert(who(&r.contributor, &r.contributor_relation));
            Ok(())
        })?;
        let mut rows: Vec<NumberRow> = by
            .into_iter()
            .map(|(number, a)| {
                let info = anjing_numbers::explain(&number);
                let place = info
                    .mobile
                    .as_ref()
                    .filter(|m| !m.province.is_empty())
                    .map(|m| {
                        if m.province == m.city {
                            m.city.clone()
                        } else {
                            format!("{} {}", m.province, m.city)
                        }
                    })
                    .or_else(|| info.landline.as_ref().map(|l| l.places.join("、")))
                    .unwrap_or_default();
                let show = |t: Option<jiff::Timestamp>| {
                    t.map(anjing_model::time::display).unwrap_or_default()
                };
                NumberRow {
                    link: format!(
                        "/c/{}/timeline?number={}",
                        util::pct(&case_name),
                        util::pct(&number)
                    ),
                    number,
                    class_zh: info.class_zh.to_string(),
                    place,
                    sms: a.sms,
                    calls: a.calls,
                    findings: a.findings,
                    practices: a.practices.into_iter().collect::<Vec<_>>().join("、"),
                    first: show(a.first),
                    last: show(a.last),
                    contacted: a.contacted.into_iter().collect::<Vec<_>>().join("、"),
                }
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse((r.findings, r.sms + r.calls)));
        let input = crate::report_cmd::build_input(&case)?;
        let charts = anjing_report::charts(&input)
            .into_iter()
            .map(|ch| (ch.title, svg_data_uri(&ch.svg)))
            .collect();
        Ok((rows, charts))
    })
    .await
    .map_err(failure)?;
    let next = "排在前面的是问题最多的号码。点号码可以只看它的记录；“归属地”是号码登记的地方，不是对方所在的位置。";
    Ok(render(NumbersPage {
        chrome: Chrome::for_case(&app, &c, "号码", "numbers", next),
        numbers,
        charts,
    }))
}

/// A chart as an `<img>` source: SVG in an image cannot run scripts or load anything.
fn svg_data_uri(svg: &str) -> String {
    use base64::Engine;
    format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
}

// ---- 怎么办 ----------------------------------------------------------------------------

pub struct StepCard {
    pub short_zh: String,
    pub name_zh: String,
    pub why_zh: String,
    pub how_zh: Vec<String>,
    pub lacking_zh: Vec<String>,
    pub confidence: String,
}

pub struct FactField {
    pub key: String,
    pub label: String,
    pub value: String,
    /// For `contacted_people`: (code, name, checked) of every group, shown as checkboxes.
    pub choices: Vec<(&'static str, &'static str, bool)>,
}

/// One deadline of the case, as computed by `anjing_law::deadlines`.
pub struct DeadlineRow {
    pub title_zh: String,
    pub confidence: String,
    /// The day before which to act (`YYYY-MM-DD`), empty when it cannot be computed.
    pub due: String,
    /// `还剩 12 天` / `已过 30 天` / `今天到期` / `无法计算`.
    pub left_zh: String,
    /// `passed`, `soon` (30 days or less), `open` or `unknown`, for the style.
    pub state: &'static str,
    pub line_zh: String,
}

/// The contacted people's own rights and a message for them (`plan.for_contacts`).
pub struct ContactsCard {
    pub who_zh: String,
    pub rights_zh: Vec<String>,
    pub message_zh: String,
}

fn deadline_row(d: &anjing_law::Deadline) -> DeadlineRow {
    let (left_zh, state) = match (d.due, d.days_left) {
        (Some(_), Some(n)) if n < 0 => (format!("已过 {} 天", -n), "passed"),
        (Some(_), Some(0)) => ("今天到期".to_string(), "soon"),
        (Some(_), Some(n)) if n <= 30 => (format!("只剩 {n} 天"), "soon"),
        (Some(_), Some(n)) => (format!("还剩 {n} 天"), "open"),
        _ => ("无法计算".to_string(), "unknown"),
    };
    DeadlineRow {
        title_zh: d.title_zh.to_string(),
        confidence: d.confidence_label_zh.to_string(),
        due: d.due.map(|d| d.to_string()).unwrap_or_default(),
        left_zh,
        state,
        line_zh: d.line_zh.clone(),
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    first_steps: Vec<(String, String)>,
    steps: Vec<StepCard>,
    notes: Vec<String>,
    uncertain: Vec<String>,
    /// What the deadlines are counted from (the first line of `deadlines_zh`).
    deadlines_intro: String,
    deadlines: Vec<DeadlineRow>,
    for_contacts: Option<ContactsCard>,
    sms: Vec<String>,
    facts: Vec<FactField>,
    saved: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    saved: String,
}

pub async fn plan(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Page {
    plan_page(
        &app,
        &name,
        (!q.saved.is_empty()).then(|| "已保存。下面的建议已按新信息更新。".to_string()),
        None,
    )
    .await
}

async fn plan_page(
    app: &Arc<App>,
    name: &str,
    saved: Option<String>,
    error: Option<String>,
) -> Page {
    let c = open_case(app, name)?;
    let dir = c.dir.clone();
    let advice = blocking(move || {
        let case = Case::open(&dir)?;
        let a = crate::advise_cmds::build(&case, crate::advise_cmds::today())?;
        Ok(a)
    })
    .await
    .map_err(failure)?;
    let facts = crate::advise_cmds::FACT_KEYS
        .iter()
        .map(|k| {
            let value = advice.facts.get(k.key).cloned().unwrap_or_default();
            let choices = if k.key == "contacted_people" {
                let stored: Vec<&str> = value.split(',').map(str::trim).collect();
                anjing_law::Contacted::ALL
                    .into_iter()
                    .map(|g| (g.code(), g.name_zh(), stored.contains(&g.code())))
                    .collect()
            } else {
                Vec::new()
            };
            FactField { key: k.key.into(), label: k.label_zh.into(), value, choices }
        })
        .collect();
    let steps = advice
        .plan
        .steps
        .iter()
        .map(|s| StepCard {
            short_zh: s.step.short_zh.clone(),
            name_zh: s.step.name_zh.clone(),
            why_zh: s.step.why_zh.clone(),
            how_zh: s.step.how_zh.clone(),
            lacking_zh: s.lacking_zh.clone(),
            confidence: s.confidence_label_zh.unwrap_or("").to_string(),
        })
        .collect();
    let next = advice
        .first_steps
        .first()
        .map(|g| format!("{}：{}", g.title_zh, g.detail_zh))
        .unwrap_or_else(|| "按下面的顺序一步一步来。".into());
    Ok(render(PlanPage {
        chrome: Chrome::for_case(app, &c, "怎么办", "plan", &next),
        first_steps: advice
            .first_steps
            .iter()
            .map(|g| (g.title_zh.clone(), g.detail_zh.clone()))
            .collect(),
        steps,
        notes: advice.plan.notes_zh.clone(),
        uncertain: advice.uncertain_zh.clone(),
        deadlines_intro: advice.deadlines_zh.first().cloned().unwrap_or_default(),
        deadlines: advice.deadlines.iter().map(deadline_row).collect(),
        for_contacts: advice.plan.for_contacts.as_ref().map(|f| ContactsCard {
            who_zh: f.who_zh.clone(),
            rights_zh: f.rights_zh.clone(),
            message_zh: f.message_zh.clone(),
        }),
        sms: advice.sms_reports_12321.iter().take(20).map(|s| s.line.clone()).collect(),
        facts,
        saved,
        error,
    }))
}

pub async fn facts_post(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Page {
    let csrf = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    if !app.check_csrf(csrf) {
        return Err(bad_csrf());
    }
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    // Who was contacted comes as one checkbox per group: joined into one answer, and an
    // empty answer (every box cleared) clears the fact when the form showed the boxes.
    let shown_people = form.iter().any(|(k, _)| k == "contacted_people_shown");
    let people: Vec<String> =
        form.iter().filter(|(k, _)| k == "contacted_people").map(|(_, v)| v.clone()).collect();
    let mut pairs: Vec<(String, String)> = form
        .into_iter()
        .filter(|(k, _)| k != "contacted_people")
        .filter(|(k, _)| crate::advise_cmds::FACT_KEYS.iter().any(|f| f.key == k))
        .collect();
    if shown_people || !people.is_empty() {
        pairs.push(("contacted_people".to_string(), people.join(",")));
    }
    let result = blocking(move || {
        let mut case = Case::open(&dir)?;
        Ok(crate::advise_cmds::save_form(&mut case, &pairs))
    })
    .await
    .map_err(failure)?;
    match result {
        Ok(()) => Ok(see_other(&format!("/c/{}/plan?saved=1#facts", util::pct(&name)))),
        Err(msg) => plan_page(&app, &name, None, Some(msg)).await,
    }
}

// ---- 文书 ------------------------------------------------------------------------------

pub struct DocChoice {
    pub id: String,
    pub name_zh: String,
    pub purpose_zh: String,
}

/// One generated document with its files: PDF to print, DOCX to edit, the web preview.
pub struct DocFile {
    pub name: String,
    /// (label, link, size in bytes, opens in the browser) in the order PDF, DOCX, 网页版.
    pub links: Vec<(&'static str, String, u64, bool)>,
    pub redacted: bool,
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsPage {
    chrome: Chrome,
    kinds: Vec<DocChoice>,
    files: Vec<DocFile>,
    missing: Vec<String>,
}

fn doc_files(case: &Case, name: &str) -> Result<Vec<DocFile>> {
    let docs = anjing_vault::documents::latest_documents(&case.log()?);
    let mut out: Vec<DocFile> = Vec::new();
    for d in docs {
        let Some((stem, ext)) = d.file_name.rsplit_once('.') else { continue };
        let label = match ext {
            "pdf" => "PDF（打印、提交）",
            "docx" => "DOCX（用 Word/WPS 修改）",
            "html" => "网页版",
            _ => "文件",
        };
        let link = format!("/c/{}/docs/{}", util::pct(name), util::pct(&d.file_name));
        let i = match out.iter().position(|f| f.name == stem) {
            Some(i) => i,
            None => {
                out.push(DocFile { name: stem.to_string(), links: Vec::new(), redacted: false });
                out.len() - 1
            }
        };
        let f = &mut out[i];
        f.redacted |= d.redacted;
        f.links.push((label, link, d.size, ext == "html"));
        // PDF first (what most people need), then DOCX, then the preview.
        f.links
            .sort_by_key(|(l, ..)| ["PDF", "DOCX", "网页版"].iter().position(|p| l.starts_with(p)));
    }
    Ok(out)
}

pub async fn docs_page(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    docs_render(&app, &name, Vec::new()).await
}

async fn docs_render(app: &Arc<App>, name: &str, missing: Vec<String>) -> Page {
    let c = open_case(app, name)?;
    let dir = c.dir.clone();
    let n = name.to_string();
    let files = blocking(move || doc_files(&Case::open(&dir)?, &n)).await.map_err(failure)?;
    let kinds = anjing_docs::DocKind::ALL
        .into_iter()
        .map(|k| DocChoice {
            id: k.id().into(),
            name_zh: k.name_zh().into(),
            purpose_zh: k.purpose_zh().into(),
        })
        .collect();
    let next = "勾选要用的文书，点“生成”。文中标着【待填写】的地方，可以先到“怎么办”页面补充信息，再重新生成。";
    Ok(render(DocsPage {
        chrome: Chrome::for_case(app, &c, "文书", "docs", next),
        kinds,
        files,
        missing,
    }))
}

pub async fn docs_post(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Page {
    let csrf = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    if !app.check_csrf(csrf) {
        return Err(bad_csrf());
    }
    let c = open_case(&app, &name)?;
    let kinds: Vec<anjing_docs::DocKind> = form
        .iter()
        .filter(|(k, _)| k == "kind")
        .filter_map(|(_, v)| anjing_docs::DocKind::from_id(v))
        .collect();
    if kinds.is_empty() {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "请至少勾选一种文书",
            "回到上一页，勾选要生成的文书。",
        ));
    }
    let redact = form.iter().any(|(k, v)| k == "redact" && v == "1");
    let dir = c.dir.clone();
    let missing = blocking(move || {
        let mut case = Case::open(&dir)?;
        let out = tempfile::tempdir_in(&dir)?;
        let made = crate::docs_cmds::write_docs(
            &mut case,
            &kinds,
            out.path(),
            anjing_docs::Options { redact },
            crate::advise_cmds::today(),
        )?;
        crate::export::checkpoint_after(&mut case, "文书")?;
        Ok(made
            .iter()
            .filter(|m| !m.missing.is_empty())
            .map(|m| format!("{}：还缺 {}", m.kind.name_zh(), m.missing.join("、")))
            .collect::<Vec<_>>())
    })
    .await
    .map_err(failure)?;
    docs_render(&app, &name, missing).await
}

pub async fn docs_download(
    State(app): State<Arc<App>>,
    Path((name, file)): Path<(String, String)>,
) -> Page {
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let found = blocking(move || {
        let case = Case::open(&dir)?;
        let docs = anjing_vault::documents::latest_documents(&case.log()?);
        let Some(d) = docs.into_iter().find(|d| d.file_name == file) else { return Ok(None) };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut case.open_document(&d)?, &mut bytes)?;
        Ok(Some((d.file_name, bytes)))
    })
    .await
    .map_err(failure)?;
    let Some((file, bytes)) = found else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "没有这个文件",
            "请回到“文书”页面重新选择。",
        ));
    };
    if file.ends_with(".html") {
        // Shown in the browser (to read and print); our own rendering, escaped.
        return Ok(html(String::from_utf8_lossy(&bytes).into_owned()));
    }
    let mime = if file.ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    };
    Ok(util::download(&file, mime, Body::from(bytes)))
}

// ---- 证据包 ----------------------------------------------------------------------------

pub struct PackageFile {
    pub name: String,
    pub link: String,
    pub size: u64,
}

pub struct CheckLine {
    pub ok: bool,
    pub title: String,
    pub summary: String,
    pub failures: Vec<String>,
}

#[derive(Template)]
#[template(path = "package.html")]
struct PackagePage {
    chrome: Chrome,
    packages: Vec<PackageFile>,
    made: Option<String>,
    verdict: Option<(bool, String)>,
    checks: Vec<CheckLine>,
}

/// The packages the web app wrote, in the case folder's `证据包/`.
fn packages_dir(dir: &FsPath) -> PathBuf {
    dir.join("证据包")
}

fn list_packages(dir: &FsPath, name: &str) -> Vec<PackageFile> {
    let mut out: Vec<PackageFile> = std::fs::read_dir(packages_dir(dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            (n.ends_with(".zip") && util::plain_name(&n)).then(|| PackageFile {
                link: format!("/c/{}/package/{}", util::pct(name), util::pct(&n)),
                size: e.metadata().map(|m| m.len()).unwrap_or(0),
                name: n,
            })
        })
        .collect();
    out.sort_by(|a, b| b.name.cmp(&a.name));
    out
}

pub async fn package_page(State(app): State<Arc<App>>, Path(name): Path<String>) -> Page {
    let c = open_case(&app, &name)?;
    let packages = list_packages(&c.dir, &name);
    let next = "点“生成证据包”，把下载的 ZIP 交给律师、法院或公安；发到投诉平台等公开渠道时，用“遮盖亲友信息”的版本。";
    Ok(render(PackagePage {
        chrome: Chrome::for_case(&app, &c, "证据包", "package", next),
        packages,
        made: None,
        verdict: None,
        checks: Vec::new(),
    }))
}

#[derive(Deserialize)]
pub struct ExportForm {
    csrf: String,
    #[serde(default)]
    redact: String,
}

pub async fn export_post(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Form(f): Form<ExportForm>,
) -> Page {
    if !app.check_csrf(&f.csrf) {
        return Err(bad_csrf());
    }
    let c = open_case(&app, &name)?;
    let dir = c.dir.clone();
    let redact = f.redact == "1";
    let made = blocking(move || {
        let mut case = Case::open(&dir)?;
        let check = case.check()?;
        if !check.ok() {
            let faults: Vec<String> = check.faults.iter().map(|f| format!("[{} {}] {}", f.area, f.item, f.message_zh)).collect();
            return Err(anyhow!("案件核对未通过，没有生成证据包：{}", faults.join("；")));
        }
        std::fs::create_dir_all(packages_dir(&dir))?;
        let now = jiff::Timestamp::now().to_zoned_datetime(anjing_model::time::shanghai());
        let stem = if redact { "证据包-已遮盖" } else { "证据包" };
        let file = format!("{stem}-{}.zip", now.strftime("%Y%m%d-%H%M%S"));
        let out = packages_dir(&dir).join(&file);
        let (sha, size, what) = if redact {
            let s = case.export_disclosure(&out, &Default::default(), true)?;
            (s.sha256, s.size, format!("出示 {} 条记录，遮盖 {} 个字段", s.records, s.hidden_fields))
        } else {
            let s = case.export_package(&out)?;
            (s.sha256, s.size, format!("{} 个原始文件、{} 条记录、{} 项发现", s.originals, s.records, s.findings))
        };
        case.log_event("export", &serde_json::json!({"sha256": sha, "size": size, "file_name": file, "redacted": redact, "via": "web"}))?;
        crate::export::checkpoint_after(&mut case, "证据包")?;
        Ok(format!("已生成 {file}：{what}。证据包本身的 SHA-256：{sha}（已记入案件日志）"))
    })
    .await
    .map_err(failure)?;
    let packages = list_packages(&c.dir, &name);
    Ok(render(PackagePage {
        chrome: Chrome::for_case(
            &app,
            &c,
            "证据包",
            "package",
            "下载证据包，连同“验证说明.html”一起交出去。",
        ),
        packages,
        made: Some(made),
        verdict: None,
        checks: Vec::new(),
    }))
}

pub async fn package_download(
    State(app): State<Arc<App>>,
    Path((name, file)): Path<(String, String)>,
) -> Page {
    let c = open_case(&app, &name)?;
    let Some(p) = list_packages(&c.dir, &name).into_iter().find(|p| p.name == file) else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "没有这个证据包",
            "请回到“证据包”页面重新选择。",
        ));
    };
    let f = tokio::fs::File::open(packages_dir(&c.dir).join(&p.name))
        .await
        .map_err(|e| failure(e.into()))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(f, 256 * 1024));
    Ok(util::download(&p.name, "application/zip", body))
}

pub async fn verify_post(State(app): State<Arc<App>>, form: Multipart) -> Page {
    let tmp_root = std::env::temp_dir();
    let app2 = app.clone();
    let got = receive(form, &tmp_root, move |t| app2.check_csrf(t), 1, super::VERIFY_LIMIT as u64)
        .await?;
    let case_name = got.fields.get("case").cloned().unwrap_or_default();
    let Some((file_name, path)) = got.files.first().cloned() else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "没有选择文件",
            "请选择要核对的证据包（.zip）。",
        ));
    };
    let report = blocking(move || {
        let r = anjing_vault::package::verify_package(&path, None);
        drop(got);
        Ok(r)
    })
    .await
    .map_err(failure)?;
    let (verdict, checks) = match report {
        Ok(r) => {
            let ok = r.ok();
            let checks = r
                .checks
                .iter()
                .map(|c| CheckLine {
                    ok: c.ok,
                    title: c.title_zh.to_string(),
                    summary: c.summary_zh.clone(),
                    failures: c
                        .failures
                        .iter()
                        .take(50)
                        .map(|f| format!("{}：{}", f.item, f.message_zh))
                        .collect(),
                })
                .collect();
            let text = if ok {
                format!("✓ {file_name}：全部核对通过，包内文件与签名时完全一致。")
            } else {
                format!("✗ {file_name}：核对未通过，这个证据包被改动过或已损坏。")
            };
            (Some((ok, text)), checks)
        }
        Err(e) => (Some((false, format!("✗ {file_name}：无法核对：{e}"))), Vec::new()),
    };
    let (chrome, packages) = match util::case_dir(&app.root, &case_name)
        .and_then(|_| open_case(&app, &case_name).ok())
    {
        Some(c) => (
            Chrome::for_case(&app, &c, "核对证据包", "package", "核对结果在下面。"),
            list_packages(&c.dir, &case_name),
        ),
        None => (Chrome::new(&app, "核对证据包", "package", "核对结果在下面。"), Vec::new()),
    };
    Ok(render(PackagePage { chrome, packages, made: None, verdict, checks }))
}
