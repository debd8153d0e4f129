//! `anjing` — the command-line face of Anjing (安静).
//!
//! Thin by design: every command parses its arguments, calls the library
//! crates and prints. See ARCHITECTURE.md for the layers below.

mod advise_cmds;
mod case_cmds;
mod check_cmd;
mod classify_cmd;
mod demo;
mod detect_cmds;
mod docs_cmds;
mod eval_cmd;
mod exit;
mod export;
mod import_cmds;
mod number_cmds;
mod report_cmd;
mod review_cmds;
mod timestamp_cmd;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
退出状态 (exit status):
  0  成功 (success)
  1  出错，未完成 (error)
  2  命令行参数有误 (usage error)
  3  已导入，但文件有损坏或问题；能读出的记录都已保存，问题见 anjing problems
     (imported, but a file was damaged; readable records were kept)
  4  文件不是可识别的手机导出文件，案件没有任何改动 (not an export; nothing changed)
  5  anjing check 发现原始文件、日志或检查点被改动；anjing verify 核对证据包未通过
     (tampering found by check; package failed verify)

示例 (examples):
  anjing demo                     生成并分析演示案件
  anjing init 我的案件 && cd 我的案件
  anjing import sms.xml --from 本人
  anjing import 妈妈的短信.xml --from 李梅 --relation 母亲
  anjing analyze && anjing report -o 报告.html
  anjing export -o 证据包.zip     打包原始文件、记录、日志和签名
  anjing export --only-contributor 李梅 -o 母亲的短信.zip   只出示部分记录
  anjing timestamp request -o 请求.tsq   向时间戳服务机构申请可信时间戳
  anjing verify 证据包.zip        核对证据包（不需要案件文件夹）";

/// 安静（Anjing）：保存催收骚扰证据、识别违法催收、告诉你怎么办。
/// Evidence, analysis and action against abusive debt collection.
#[derive(Parser, Debug)]
#[command(name = "anjing", version, about, long_about = None, after_help = AFTER_HELP)]
struct Cli {
    /// 案件文件夹（默认：当前文件夹），同 git 的 -C。Case folder (default: current folder).
    #[arg(short = 'C', global = true, value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 新建案件文件夹。Make a case folder.
    Init {
        /// 文件夹（默认：-C 指定的文件夹）。Folder (default: the -C folder).
        dir: Option<PathBuf>,
        /// 案件名称。Case title.
        #[arg(long, default_value = "我的案件")]
        title: String,
    },
    /// 导入手机导出的短信、通话记录。Import phone exports.
    Import {
        /// 要导入的文件（可以多个）。Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 证据提供人，例如 本人、李梅。Who supplied the files.
        #[arg(long = "from", default_value = "本人")]
        from: String,
        /// 提供人与借款人的关系，例如 母亲、同事。Relation to the borrower.
        #[arg(long, default_value = "")]
        relation: String,
        /// 这些文件来自哪部手机或哪次导出，例如 "妈妈的华为P40"、"iTunes备份 2026-02-01"。
        /// The phone or export the files came from (stored with each file and logged).
        #[arg(long, default_value = "")]
        device: String,
        /// 输出 JSON。Print JSON.
        #[arg(long)]
        json: bool,
        /// 表格的列：表头=字段，字段为 time date number type duration text direction kind ignore。
        /// Spreadsheet columns, e.g. --map 时间=time,号码=number
        #[arg(long, value_name = "表头=字段,…")]
        map: Option<String>,
        /// 截图、录音关联的对方号码。Number a screenshot or recording is about.
        #[arg(long)]
        number: Option<String>,
        /// 截图、录音的时间（北京时间）。When a screenshot or recording was made.
        #[arg(long)]
        time: Option<String>,
    },
    /// 手动记录的联系（电话、短信、上门、微信）。The manual contact log.
    Note {
        #[command(subcommand)]
        command: import_cmds::NoteCommand,
    },
    /// 显示案件日志（哈希链）。Show the case log (hash chain).
    Log {
        #[arg(long)]
        json: bool,
    },
    /// 核对原始文件和日志有没有被改动。Verify blobs and the log chain.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// 列出记录（短信、通话…）。List records.
    Records {
        #[arg(long)]
        json: bool,
    },
    /// 列出分析发现。List findings.
    Findings {
        #[arg(long)]
        json: bool,
    },
    /// 列出导入时遇到的问题。List import problems.
    Problems {
        #[arg(long)]
        json: bool,
    },
    /// 逐条判断短信（JSON Lines 输入输出）。Classify messages (JSON Lines in and out).
    Classify {
        /// 输入文件，省略或 - 表示标准输入。Input file, or - for stdin.
        input: Option<PathBuf>,
        /// 使用这个文件夹里的规则文件，而不是内置规则。Rule folder instead of the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// 分析案件中的全部记录并保存发现。Analyse every record of the case.
    Analyze {
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 生成中文报告（单个 HTML 文件）。Write the Chinese report (one HTML file).
    Report {
        /// 输出文件（默认：案件文件夹里的 报告.html）。Output file.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 时间线包括全部记录（含与家人朋友的私人短信）；默认只包括有问题号码的记录。
        /// Include every record, private conversations too (default: only numbers with findings).
        #[arg(long)]
        all: bool,
    },
    /// 签署并显示案件日志的最新检查点。Sign and print the latest log checkpoint.
    Checkpoint,
    /// 生成证据包（ZIP）：原始文件、记录、日志、签名和验证说明。Write the evidence package.
    Export {
        /// 输出文件（默认：案件文件夹里的 证据包-日期.zip）。Output file.
        #[arg(short, long, value_name = "FILE.zip")]
        output: Option<PathBuf>,
        #[command(flatten)]
        only: export::OnlyArgs,
    },
    /// 可信时间戳（RFC 3161）：生成请求、附上回复。Trusted timestamps: request, attach.
    Timestamp {
        #[command(subcommand)]
        command: timestamp_cmd::TimestampCommand,
    },
    /// 打开网页版（在本机浏览器里一步一步操作）。Start the local web app.
    Serve {
        #[command(flatten)]
        args: web::ServeArgs,
    },
    /// 核对证据包，不需要案件文件夹。Verify an evidence package (no case folder needed).
    Verify {
        /// 证据包文件。The package.
        file: PathBuf,
        /// 应当签署它的公钥（当事人事先提交的）。Verifier key the package must be signed with.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 在标注好的数据集上评估识别规则（精确率、召回率、F1）。Evaluate the rules on a labelled set.
    Eval {
        /// JSON Lines：id、text、is_collection、labels（可选 uncertain、sender）。
        #[arg(long, value_name = "FILE")]
        dataset: PathBuf,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// 列出每条判错短信的命中规则。Show each miss's findings.
        #[arg(long)]
        verbose: bool,
    },
    /// 查一个号码：类型、归属地、运营商和注意事项（离线）。Explain a phone number (offline).
    Number {
        /// 号码，例如 17112345678、+86 138 1234 5678、0095588。
        number: String,
        #[arg(long)]
        json: bool,
    },
    /// 这条短信是不是诈骗？给出风险等级、理由和建议。Is this message a scam? Risk, reasons, advice.
    CheckMessage {
        /// 短信原文。The message text.
        text: String,
        /// 发件号码（可选）。Sender number (optional).
        #[arg(long, value_name = "NUMBER")]
        sender: Option<String>,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 复核发现：确认或否定（记入日志，重新分析后仍有效）。Confirm or reject findings.
    Review {
        #[command(subcommand)]
        command: review_cmds::ReviewCommand,
    },
    /// 填写或查看案件信息（放贷方、借款人等），每次改动记入日志。Case facts.
    #[command(after_help = advise_cmds::FACTS_HELP)]
    Facts {
        /// 直接填写，例如 --set lender_type=micro_loan app_name=快闪借。Set facts.
        #[arg(long, value_name = "KEY=VALUE", num_args = 1..)]
        set: Vec<String>,
        /// 即使输入不是终端也逐项询问（每行一个回答）。Ask even when stdin is not a terminal.
        #[arg(long, conflicts_with = "set")]
        ask: bool,
        #[arg(long)]
        json: bool,
    },
    /// 行动计划：现在该做什么、向哪里投诉、法律依据和期限。What to do, in order.
    Advise {
        /// 按这一天计算期限（默认今天），例如 2026-03-01。Date to compute deadlines for.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 起草文书：证据目录、告知函、起诉状、禁令申请、报案材料、投诉书等。Draft documents.
    Docs {
        #[command(subcommand)]
        command: docs_cmds::DocsCommand,
    },
    /// 用内置的演示数据建一个完整案件。Build the bundled demo case end to end.
    Demo {
        /// 演示案件文件夹（默认 ./anjing-demo）。Folder for the demo case.
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init { dir, title } => case_cmds::init(dir.as_deref().unwrap_or(&cli.dir), &title),
        Command::Import { files, from, relation, device, json, map, number, time } => {
            let flags = import_cmds::ImportFlags { map, number, time, device };
            case_cmds::import(&cli.dir, &files, &from, &relation, json, &flags)
        }
        Command::Note { command } => import_cmds::note(&cli.dir, command),
        Command::Log { json } => case_cmds::log(&cli.dir, json),
        Command::Check { json } => case_cmds::check(&cli.dir, json),
        Command::Records { json } => case_cmds::records(&cli.dir, json),
        Command::Findings { json } => case_cmds::findings(&cli.dir, json),
        Command::Problems { json } => case_cmds::problems(&cli.dir, json),
        Command::Classify { input, rules } => {
            classify_cmd::classify(input.as_deref(), rules.as_deref())
        }
        Command::Analyze { rules, json } => detect_cmds::analyze(&cli.dir, rules.as_deref(), json),
        Command::Report { output, all } => report_cmd::report(&cli.dir, output.as_deref(), all)
            .map(|p| {
                println!("报告已写入：{}", p.display());
                exit::Status::Ok
            }),
        Command::Checkpoint => export::checkpoint(&cli.dir),
        Command::Export { output, only } => export::export(&cli.dir, output.as_deref(), &only),
        Command::Timestamp { command } => timestamp_cmd::run(&cli.dir, command),
        Command::Serve { args } => web::serve(&cli.dir, &args),
        Command::Verify { file, key, json } => export::verify(&file, key.as_deref(), json),
        Command::Demo { dir } => demo::run(dir.as_deref()),
        Command::Docs { command } => docs_cmds::run(&cli.dir, command),
        Command::Facts { set, ask, json } => advise_cmds::facts(&cli.dir, &set, json, ask),
        Command::Advise { as_of, json } => advise_cmds::advise(&cli.dir, json, as_of.as_deref()),
        Command::Review { command } => review_cmds::run(&cli.dir, command),
        Command::Eval { dataset, rules, json, verbose } => {
            eval_cmd::eval(&dataset, rules.as_deref(), json, verbose)
        }
        Command::Number { number, json } => number_cmds::number(&number, json),
        Command::CheckMessage { text, sender, rules, json } => {
            check_cmd::check_message(&text, sender.as_deref(), rules.as_deref(), json)
        }
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("错误：{e:#}");
            exit::Status::from_error(&e).into()
        }
    }
}
