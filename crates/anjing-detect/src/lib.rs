//! anjing-detect (being built).
