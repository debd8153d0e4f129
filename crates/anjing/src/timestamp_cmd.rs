//! `anjing timestamp request|attach`: RFC 3161 trusted time for the case's signed checkpoints.
//! The checking is in `anjing_proof::tsp`, the storing in `anjing_vault::timestamps`.

use std::path::{Path, PathBuf};

use anjing_vault::Case;
use anyhow::{Context, Result};
use clap::Subcommand;

use crate::exit::Status;
use crate::export::checkpoint_after;

#[derive(Subcommand, Debug)]
pub enum TimestampCommand {
    /// 为最新的签名检查点生成时间戳请求（.tsq）。Write a timestamp request for the latest checkpoint.
    Request {
        /// 输出文件（默认：案件文件夹里的 时间戳请求-<日志条数>.tsq）。Output file.
        #[arg(short, long, value_name = "FILE.tsq")]
        output: Option<PathBuf>,
    },
    /// 核对并保存时间戳服务的回复（.tsr）。Check and store a TSA's reply.
    Attach {
        /// 时间戳服务的回复。The TimeStampResp file.
        file: PathBuf,
        /// 当初的请求，用来核对随机数（nonce）。The request, to check the nonce.
        #[arg(long, value_name = "FILE.tsq")]
        tsq: Option<PathBuf>,
    },
}

pub fn run(dir: &Path, command: TimestampCommand) -> Result<Status> {
    match command {
        TimestampCommand::Request { output } => request(dir, output.as_deref()),
        TimestampCommand::Attach { file, tsq } => attach(dir, &file, tsq.as_deref()),
    }
}

fn request(dir: &Path, output: Option<&Path>) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let (req, size) = case.timestamp_request()?;
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| case.root().join(format!("时间戳请求-{size}.tsq")));
    std::fs::write(&out, &req.der).with_context(|| format!("无法写入 {}", out.display()))?;
    let q = crate::case_cmds::shell_quote(&out);
    println!("时间戳请求已写入：{}", out.display());
    println!("  它请求对案件最新的签名检查点（覆盖 {size} 条日志）盖上可信时间戳；");
    println!(
        "  请求里只有检查点的 SHA-256：{}，不含任何短信内容。",
        req.imprint.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    println!();
    println!("下一步：把这个文件发给任意一家支持 RFC 3161 的时间戳服务机构（TSA），例如：");
    println!(
        "  curl -H 'Content-Type: application/timestamp-query' --data-binary @{q} 时间戳服务地址 -o 回复.tsr"
    );
    println!("  （时间戳服务地址由该机构提供；安静不指定、不推荐任何一家。）");
    println!("然后把回复保存到案件里：");
    println!("  anjing timestamp attach 回复.tsr --tsq {q}");
    Ok(Status::Ok)
}

fn attach(dir: &Path, file: &Path, tsq: Option<&Path>) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let response = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let request = match tsq {
        Some(p) => Some(std::fs::read(p).with_context(|| format!("无法读取 {}", p.display()))?),
        None => None,
    };
    let t = match case.attach_timestamp(&response, request.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("✗ 没有保存这个时间戳：{e}");
            return Ok(Status::Tampered);
        }
    };
    checkpoint_after(&mut case, "时间戳")?;
    let local = t
        .gen_time
        .parse::<jiff::Timestamp>()
        .map(anjing_model::time::display)
        .unwrap_or_else(|_| t.gen_time.clone());
    println!("✓ 时间戳有效，已保存（日志第 {} 条）。", t.log_seq);
    println!("  盖章时间：北京时间 {local}（UTC {}）", t.gen_time);
    println!("  盖章的检查点：覆盖前 {} 条日志", t.checkpoint_size);
    println!("  时间戳服务机构证书：{}（签发者：{}）", t.tsa_subject, t.tsa_issuer);
    println!("  证书 SHA-256：{}；签名算法 {}", t.tsa_cert_sha256, t.signature_algorithm);
    if !t.nonce_checked {
        println!("  提示：没有提供当初的请求（--tsq），未核对随机数。");
    }
    println!(
        "  说明：安静核对了令牌完好、签名有效、证书是时间戳专用的；是否信任这家机构的证书链，需要由核对证据的人判断。"
    );
    println!("  以后导出的证据包会带上这个时间戳（timestamps/ 文件夹）。");
    Ok(Status::Ok)
}
