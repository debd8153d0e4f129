//! `anjing eval --dataset FILE`: precision/recall/F1 of the rules on a labelled set.

use std::path::Path;

use anjing_detect::eval;
use anyhow::{Context, Result};

use crate::exit::Status;

pub fn eval(dataset: &Path, rules: Option<&Path>, json: bool, verbose: bool) -> Result<Status> {
    let detector = crate::detect_cmds::load_detector(rules)?;
    let src = std::fs::read_to_string(dataset)
        .with_context(|| format!("无法读取数据集 {}", dataset.display()))?;
    let items = eval::parse_jsonl(&src)
        .with_context(|| format!("数据集 {} 格式有误", dataset.display()))?;
    let report = eval::evaluate(&detector, &items);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("数据集 (dataset) {}", dataset.display());
        print!("{}", report.render_text(verbose));
    }
    Ok(Status::Ok)
}
