//! anjing-proof (being built).
