//! State machines of every object (filled in by the states work).
