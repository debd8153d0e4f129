#!/usr/bin/env python3
"""Makes the document fonts shipped in crates/anjing-docs/fonts/.

Noto Serif CJK SC Regular and Bold (SIL Open Font License 1.1, from Debian's
`fonts-noto-cjk`, 1:20220127+repack1-1) are subset to:
  - every character of GB2312 (6,763 hanzi plus its symbols, kana, Greek, Cyrillic),
  - ASCII, Latin-1, general and CJK punctuation, full-width forms, circled numbers,
  - every character used in the repository's law, rule, channel and demo data, so
    that statutes and built-in texts always print with the shipped font.

Usage (from the repository root, with `pip install fonttools`):
    python3 crates/anjing-docs/scripts/subset-fonts.py /usr/share/fonts/opentype/noto
"""
import pathlib
import subprocess
import sys

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
root = pathlib.Path(__file__).resolve().parents[3]
out = root / "crates/anjing-docs/fonts"

chars = set()
# GB2312: rows 0xA1..0xF7, cells 0xA1..0xFE.
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
ranges = [
    (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2190, 0x21FF),
    (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF),
]
for a, b in ranges:
    chars.update(chr(c) for c in range(a, b + 1))
for pattern in ["crates/anjing-law/law/**/*.toml", "crates/anjing-detect/rules/**/*.toml",
                "crates/anjing-docs/src/**/*.rs", "crates/anjing/demo/*.xml",
                "crates/anjing-report/src/**/*.rs"]:
    for p in root.glob(pattern):
        chars.update(p.read_text(encoding="utf-8", errors="ignore"))
chars = {c for c in chars if ord(c) >= 0x20}

unicodes = out / "unicodes.txt"
unicodes.write_text("\n".join(f"U+{ord(c):04X}" for c in sorted(chars)) + "\n")
for weight in ["Regular", "Bold"]:
    subprocess.run([
        "pyftsubset", str(src / f"NotoSerifCJK-{weight}.ttc"), "--font-number=2",
        f"--unicodes-file={unicodes}", "--layout-features=*", "--no-hinting",
        "--name-IDs=*", "--name-languages=*", "--notdef-outline",
        f"--output-file={out / f'NotoSerifSC-{weight}-subset.otf'}",
    ], check=True)
print(f"{len(chars)} characters")
