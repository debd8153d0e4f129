//! anjing-report (being built).
