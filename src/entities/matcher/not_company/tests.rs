//! Tests of the not-a-company rules, on sentences written for them.
