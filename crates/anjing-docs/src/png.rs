//! SVG charts to PNG for DOCX (and parsed for the PDF's vector charts), with the shipped font
//! and nothing from the system.
//!
//! resvg silently drops text whose `font-family` is not loaded: the charts ask for the generic
//! `sans-serif`, and every generic family is mapped to the shipped Noto Serif CJK SC.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::DocsError;

/// Noto Serif CJK SC Regular, subset (SIL Open Font License 1.1, see `fonts/README.md`).
pub const FONT_REGULAR: &[u8] = include_bytes!("../fonts/NotoSerifSC-Regular-subset.otf");
/// Noto Serif CJK SC Bold, subset (SIL Open Font License 1.1, see `fonts/README.md`).
pub const FONT_BOLD: &[u8] = include_bytes!("../fonts/NotoSerifSC-Bold-subset.otf");
const FAMILY: &str = "Noto Serif CJK SC";

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_REGULAR.to_vec());
        db.load_font_data(FONT_BOLD.to_vec());
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Parses a chart with the shipped font (text is laid out and outlined by usvg).
pub(crate) fn parse(svg: &str) -> Result<usvg::Tree, DocsError> {
    let opts =
        usvg::Options { fontdb: fontdb(), font_family: FAMILY.to_string(), ..Default::default() };
    usvg::Tree::from_str(svg, &opts).map_err(|e| DocsError::Chart(e.to_string()))
}

/// Rasterises `svg` at `scale` × its size. Deterministic.
pub(crate) fn render(svg: &str, scale: f32) -> Result<Vec<u8>, DocsError> {
    let tree = parse(svg)?;
    let size = tree.size();
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| DocsError::Chart(format!("bad size {w}×{h}")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| DocsError::Chart(e.to_string()))
}
