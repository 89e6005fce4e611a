//! The objects' state machines (every state x event) and the errors' WWSAPI codes.

mod errors;
mod state_tables;
