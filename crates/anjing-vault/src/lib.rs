//! anjing-vault (being built).
