//! Renders the report model to table, JSON, Markdown and CSV. Formats never compute numbers of
//! their own: whatever they show is in the model.

pub mod escape;
pub mod model;
