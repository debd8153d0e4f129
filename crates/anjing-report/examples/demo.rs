//! Writes the demo report: `cargo run -p anjing-report --example demo -- out.html`.

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "anjing-demo-report.html".to_string());
    std::fs::write(&path, anjing_report::render_html(&anjing_report::demo_input()))?;
    eprintln!("wrote {path}");
    Ok(())
}
