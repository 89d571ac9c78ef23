//! The final tables' Parquet files: zstd, one row group per part, encoded and compressed
//! on the workers and appended in order by the writer thread.
//!
//! Polars' batched writer compresses a row group's pages only when the file writer pulls
//! them, i.e. on the single writer thread, under its lock; here the worker that loaded a
//! part also compresses it, and the writer thread only appends bytes. Encodings are
//! Polars' choices (dictionary where the values repeat: plain text columns made the
//! `mentions` file twice as big). The free-text columns (`sentence`, `evidence`,
//! `title`, `url`) get no min/max statistics: comparing every sentence to find them was
//! ~1 % of the export's instructions, and nobody filters a table on the smallest
//! sentence.

use std::fs;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use anyhow::{Context as _, Result};
use polars::prelude::*;
use polars_parquet::read::fallible_streaming_iterator;
use polars_parquet::write::{
    array_to_columns, compress, get_dtype_encoding, CompressedPage, CompressionOptions, DynIter,
    DynStreamingIterator, Encoding, FileWriter, ParquetType, StatisticsOptions, Version,
    WriteOptions, ZstdLevel,
};

/// Columns of free text: without min/max statistics (see the module docs).
const FREE_TEXT: [&str; 4] = ["sentence", "evidence", "title", "url"];

/// How each column of a table is encoded (shared by the workers).
pub struct PartEncoder {
    fields: Vec<ParquetType>,
    /// Per column: encodings of its leaves and the write options.
    columns: Vec<(Vec<Encoding>, WriteOptions)>,
}

/// One part, encoded and compressed: a row group ready to append.
pub struct EncodedGroup {
    rows: u64,
    columns: Vec<Vec<CompressedPage>>,
}

/// An open Parquet file of the final tables (written by one thread).
pub struct ParquetFile {
    writer: FileWriter<BufWriter<fs::File>>,
}

/// Creates `path` for frames with the schema of `df`.
pub fn create(path: &Path, df: &DataFrame) -> Result<(ParquetFile, PartEncoder)> {
    let f = fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let schema = df.schema().to_arrow(CompatLevel::newest());
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        compression: CompressionOptions::Zstd(Some(ZstdLevel::try_new(1)?)),
        version: Version::V1,
        data_page_size: None,
    };
    let writer = FileWriter::try_new(BufWriter::with_capacity(1 << 20, f), schema, options)?;
    let fields = writer.parquet_schema().fields().to_vec();
    let columns = writer
        .schema()
        .iter_values()
        .map(|field| {
            let encodings = get_dtype_encoding(&field.dtype);
            let mut opts = options;
            if FREE_TEXT.contains(&field.name.as_str()) {
                opts.statistics = StatisticsOptions {
                    min_value: false,
                    max_value: false,
                    ..StatisticsOptions::default()
                };
            }
            (encodings, opts)
        })
        .collect();
    Ok((ParquetFile { writer }, PartEncoder { fields, columns }))
}

impl PartEncoder {
    /// Encodes and compresses a frame (one row group per chunk; the export loads each
    /// part as a single chunk).
    pub fn encode(&self, df: &DataFrame) -> Result<Vec<EncodedGroup>> {
        let mut groups = Vec::new();
        for batch in df.iter_chunks(CompatLevel::newest(), false) {
            if batch.is_empty() {
                continue;
            }
            let rows = batch.len() as u64;
            let mut columns = Vec::new();
            for ((array, field), (encodings, options)) in
                batch.columns().iter().zip(&self.fields).zip(&self.columns)
            {
                for pages in array_to_columns(array, field.clone(), *options, encodings)? {
                    let mut compressed = Vec::new();
                    for page in pages {
                        compressed.push(compress(page?, Vec::new(), options.compression)?);
                    }
                    columns.push(compressed);
                }
            }
            groups.push(EncodedGroup { rows, columns });
        }
        Ok(groups)
    }
}

impl ParquetFile {
    /// Appends encoded row groups, in order.
    pub fn write(&mut self, groups: Vec<EncodedGroup>) -> Result<()> {
        for g in groups {
            let columns = DynIter::new(g.columns.iter().map(|pages| {
                Ok(DynStreamingIterator::new(
                    fallible_streaming_iterator::convert(pages.iter().map(PolarsResult::Ok)),
                ))
            }));
            self.writer.write(g.rows, columns)?;
        }
        Ok(())
    }

    /// Writes the footer and flushes the file.
    pub fn finish(mut self) -> Result<()> {
        self.writer.end(None)?;
        self.writer.into_inner().flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_parquet::parquet::statistics::Statistics;

    fn part(ids: &[&str], sentences: &[&str]) -> DataFrame {
        df!("entity_id" => ids, "sentence" => sentences).expect("frame")
    }

    #[test]
    fn parts_become_row_groups_and_free_text_gets_no_min_max() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("mentions.parquet");
        let a = part(
            &["acme", "globex"],
            &["Acme’s profit rose 5 %.", "Globex « chute » à Paris."],
        );
        let b = part(&["acme"], &["Acme falls after the recall."]);
        let (mut file, encoder) = create(&path, &a)?;
        file.write(encoder.encode(&a)?)?;
        file.write(encoder.encode(&b)?)?;
        file.finish()?;

        let back = ParquetReader::new(fs::File::open(&path)?).finish()?;
        assert!(back.equals(&a.vstack(&b)?));
        let meta = polars_parquet::read::read_metadata(&mut fs::File::open(&path)?)?;
        assert_eq!(meta.row_groups.len(), 2);
        let stats = |rg: usize, col: usize| -> Result<(Option<Vec<u8>>, Option<i64>)> {
            let chunk = &meta.row_groups[rg].parquet_columns()[col];
            match chunk.statistics(&meta.footer_buf).transpose()? {
                Some(Statistics::Binary(s)) => Ok((s.min_value, s.null_count)),
                other => anyhow::bail!("unexpected statistics {other:?}"),
            }
        };
        // Filterable columns keep min/max; free text keeps only its null count.
        assert_eq!(stats(0, 0)?.0.as_deref(), Some(&b"acme"[..]));
        assert_eq!(stats(0, 1)?, (None, Some(0)));
        assert_eq!(stats(1, 1)?, (None, Some(0)));
        Ok(())
    }
}
