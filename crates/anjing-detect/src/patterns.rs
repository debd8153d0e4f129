//! Pattern analysis over many records (phase 2; being built).
