//! anjing-law (being built).
