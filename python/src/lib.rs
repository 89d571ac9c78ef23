//! `newstone._native`: the crate's batch analysis ([`newstone::stages::batch`]) for
//! Python, over the Arrow C data interface.
//!
//! Tables come in as an Arrow C stream (the `__arrow_c_stream__` PyCapsule of a pyarrow
//! table, which `newstone/__init__.py` prepares from pyarrow, Polars or pandas) and are
//! imported into Polars frames: the string bytes are not copied when the table holds
//! them in one buffer (Polars' string views point into it). Tables go out as a pair of
//! PyCapsules (`arrow_schema`, `arrow_array`: one struct array per table), which pyarrow
//! imports without copying (`pa.RecordBatch._import_from_c_capsule`).
//!
//! The Python wrapper (`newstone/__init__.py`) is the documented interface; these
//! functions are its building blocks.

use std::collections::HashMap;
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use newstone::config::Pipeline;
use newstone::stages::batch::{default_pipeline, read_input, Analyzer, Tables};
use newstone::stages::ingest::ResolvedInput;
use newstone::tables::{raw_refs_from_frame, raw_to_frame, rejects_to_frame, RawRef};
use polars::prelude::*;
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::ffi;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

/// An error of the crate as a Python `ValueError` (bad input or settings: the message
/// says what to fix).
fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("{e:#}"))
}

/// One analyser per pipeline file (`None`: the defaults), loaded on first use and kept:
/// a Spark worker analyses many batches with the same pipeline.
fn analyzer(pipeline: Option<&str>) -> PyResult<Arc<Analyzer>> {
    static CACHE: OnceLock<Mutex<HashMap<Option<String>, Arc<Analyzer>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = pipeline.map(str::to_owned);
    if let Some(a) = cache
        .lock()
        .map_err(|_| PyRuntimeError::new_err("internal error: analyser cache poisoned"))?
        .get(&key)
    {
        return Ok(a.clone());
    }
    let a = Arc::new(Analyzer::new(load_pipeline(pipeline)?).map_err(value_error)?);
    cache
        .lock()
        .map_err(|_| PyRuntimeError::new_err("internal error: analyser cache poisoned"))?
        .insert(key, a.clone());
    Ok(a)
}

/// The pipeline `pipeline` names, or the batch defaults: a pipeline file's path, or a
/// pipeline file's text (anything with a line break; its relative paths are then
/// relative to the working folder), which the Spark job passes to executors that do not
/// see the driver's files.
fn load_pipeline(pipeline: Option<&str>) -> PyResult<Pipeline> {
    match pipeline {
        Some(text) if text.contains('\n') => {
            let mut p: Pipeline = toml::from_str(text).map_err(|e| {
                PyValueError::new_err(format!("the pipeline text is not valid: {e}"))
            })?;
            p.validate().map_err(value_error)?;
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            p.rebase(&cwd);
            Ok(p)
        }
        Some(path) => Pipeline::load(std::path::Path::new(path)).map_err(value_error),
        None => default_pipeline().map_err(value_error),
    }
}

/// [`load_pipeline`] with its inputs replaced by `inputs` when given (as `newstone run
/// --input`: relative to the working folder).
fn load_with_inputs(pipeline: &str, inputs: Option<Vec<String>>) -> PyResult<Pipeline> {
    let mut p = load_pipeline(Some(pipeline))?;
    if let Some(inputs) = inputs.filter(|i| !i.is_empty()) {
        p.inputs = inputs
            .into_iter()
            .map(|path| newstone::config::InputSpec {
                path,
                format: "auto".into(),
                source: None,
                fields: Default::default(),
                lang: None,
                base: None,
            })
            .collect();
    }
    Ok(p)
}

/// Imports an Arrow C stream (a PyCapsule named `arrow_array_stream`) as one frame.
fn import_stream(capsule: &Bound<'_, PyAny>) -> PyResult<DataFrame> {
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyValueError::new_err("expected the PyCapsule of an Arrow C stream (__arrow_c_stream__)")
    })?;
    let name = c"arrow_array_stream";
    let ptr = capsule.pointer_checked(Some(name))?;
    // SAFETY: the capsule holds an `ArrowArrayStream` (its name says so, per the Arrow
    // PyCapsule interface). The stream is moved out and an empty one (no release
    // callback) left in its place, so the capsule's destructor does not release it again.
    let stream = unsafe {
        let p = ptr.as_ptr().cast::<ffi::ArrowArrayStream>();
        Box::new(std::ptr::replace(p, ffi::ArrowArrayStream::empty()))
    };
    // SAFETY: a stream from a conforming producer.
    let mut reader =
        unsafe { ffi::ArrowArrayStreamReader::try_new(stream) }.map_err(value_error)?;
    let fields = match reader.field().dtype() {
        ArrowDataType::Struct(fields) => fields.clone(),
        other => {
            return Err(PyValueError::new_err(format!(
                "expected a stream of record batches (struct arrays), got {other:?}"
            )))
        }
    };
    let mut chunks: Vec<Vec<Box<dyn Array>>> = vec![Vec::new(); fields.len()];
    // SAFETY: as above.
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch.map_err(value_error)?;
        let s = batch
            .as_any()
            .downcast_ref::<StructArray>()
            .ok_or_else(|| PyValueError::new_err("a record batch is not a struct array"))?;
        for (chunk, values) in chunks.iter_mut().zip(s.values()) {
            chunk.push(values.clone());
        }
    }
    let columns = fields
        .iter()
        .zip(chunks)
        .map(|(f, arrays)| {
            let s = if arrays.is_empty() {
                Series::new_empty(f.name.clone(), &DataType::from_arrow_field(f))
            } else {
                Series::from_arrow_chunks(f.name.clone(), arrays).map_err(value_error)?
            };
            Ok(s.into_column())
        })
        .collect::<PyResult<Vec<Column>>>()?;
    DataFrame::new_infer_height(columns).map_err(value_error)
}

/// Exports a frame as the pair of PyCapsules (`arrow_schema`, `arrow_array`) of one
/// struct array, for `pa.RecordBatch._import_from_c_capsule`.
fn export_frame<'py>(py: Python<'py>, df: &DataFrame) -> PyResult<Bound<'py, PyAny>> {
    let mut df = df.clone();
    df.rechunk_mut();
    let height = df.height();
    let (mut fields, mut arrays) = (Vec::new(), Vec::new());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let a = if s.n_chunks() == 0 {
            polars_arrow::array::new_empty_array(s.dtype().to_arrow(CompatLevel::oldest()))
        } else {
            s.to_arrow(0, CompatLevel::oldest())
        };
        fields.push(Field::new(s.name().clone(), a.dtype().clone(), true));
        arrays.push(a);
    }
    let dtype = ArrowDataType::Struct(fields);
    let array = StructArray::try_new(dtype.clone(), height, arrays, None).map_err(value_error)?;
    let schema = ffi::export_field_to_c(&Field::new("".into(), dtype, false));
    let array = ffi::export_array_to_c(Box::new(array));
    let schema = PyCapsule::new(py, schema, Some(CString::from(c"arrow_schema")))?;
    let array = PyCapsule::new(py, array, Some(CString::from(c"arrow_array")))?;
    Ok((schema, array).into_pyobject(py)?.into_any())
}

/// The tables of a batch as a dict of capsule pairs.
fn export_tables<'py>(
    py: Python<'py>,
    t: &Tables,
    extra: &[(&str, &DataFrame)],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("articles", export_frame(py, &t.articles)?)?;
    d.set_item("mentions", export_frame(py, &t.mentions)?)?;
    d.set_item("article_entities", export_frame(py, &t.article_entities)?)?;
    for (name, df) in extra {
        d.set_item(*name, export_frame(py, df)?)?;
    }
    Ok(d)
}

/// The raw rows of an imported table (columns as `raw_to_frame`'s: `source_file`,
/// `record`, `id`, `title`, `text`, `date`, `url`, `source`, `lang`, `section`,
/// `lang_fixed`), with `lang` (when given) fixed for every row.
fn raw_refs<'a>(df: &'a DataFrame, lang: Option<&'a str>) -> PyResult<Vec<RawRef<'a>>> {
    let mut refs = raw_refs_from_frame(df).map_err(value_error)?;
    if let Some(code) = lang {
        for r in &mut refs {
            r.lang = Some(code);
            r.lang_fixed = true;
        }
    }
    Ok(refs)
}

/// Checks a language given to `analyze(lang=…)`.
fn check_lang(lang: Option<&str>) -> PyResult<Option<String>> {
    match lang.map(|l| l.trim().to_ascii_lowercase()) {
        Some(l) if l == "en" || l == "fr" => Ok(Some(l)),
        Some(l) => Err(PyValueError::new_err(format!(
            "lang={l:?}: newstone analyses \"en\" and \"fr\" (or None to detect each text's language)"
        ))),
        None => Ok(None),
    }
}

/// Normalizes, de-duplicates (within the batch) and analyses raw rows: a dict of the
/// `articles`, `mentions`, `article_entities` and `rejects` tables.
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None, lang=None, with_text=false))]
fn analyze<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
    lang: Option<&str>,
    with_text: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let lang = check_lang(lang)?;
    let df = import_stream(stream)?;
    let a = analyzer(pipeline)?;
    let (tables, batch) = py.detach(|| -> PyResult<_> {
        let refs = raw_refs(&df, lang.as_deref())?;
        a.analyze(&refs, with_text).map_err(value_error)
    })?;
    let rejects = rejects_to_frame(&batch.rejects).map_err(value_error)?;
    export_tables(py, &tables, &[("rejects", &rejects)])
}

/// Normalizes raw rows without de-duplicating them: `articles` (the normalize stage's
/// artefact columns plus `row`, the record's index in the batch, and `content_key`)
/// and `rejects` (plus `row`, the index of the rejected record).
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None, lang=None))]
fn normalize<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
    lang: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let lang = check_lang(lang)?;
    let df = import_stream(stream)?;
    let a = analyzer(pipeline)?;
    let (articles, rejects) = py.detach(|| -> PyResult<_> {
        let refs = raw_refs(&df, lang.as_deref())?;
        let batch = a.normalize(&refs, None);
        Ok((
            batch.frame().map_err(value_error)?,
            batch.rejects_frame().map_err(value_error)?,
        ))
    })?;
    let d = PyDict::new(py);
    d.set_item("articles", export_frame(py, &articles)?)?;
    d.set_item("rejects", export_frame(py, &rejects)?)?;
    Ok(d)
}

/// Analyses normalized articles (the normalize artefact's columns, as [`normalize`]
/// gives them): the `articles`, `mentions` and `article_entities` tables.
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None, with_text=false))]
fn analyze_articles<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
    with_text: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let df = import_stream(stream)?;
    let a = analyzer(pipeline)?;
    let tables = py
        .detach(|| a.analyze_frame(&df, with_text))
        .map_err(value_error)?;
    export_tables(py, &tables, &[])
}

/// Runs one frame-to-frame step of the analyzer of `pipeline` on an Arrow stream, with
/// the GIL released, and returns the result as an Arrow stream.
fn frame_to_frame<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
    step: impl FnOnce(&Analyzer, &DataFrame) -> anyhow::Result<DataFrame> + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let df = import_stream(stream)?;
    let a = analyzer(pipeline)?;
    let out = py.detach(|| step(&a, &df)).map_err(value_error)?;
    export_frame(py, &out)
}

/// The stories of kept articles in input order (`article_id`, `date`, `signature`, as
/// [`normalize`] gives them): `article_id`, `story_id`, `novel`, one row per input row.
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None))]
fn assign_stories<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    frame_to_frame(py, stream, pipeline, |a, df| a.assign_stories(df))
}

/// The `company_daily` table from its base columns (one row per company and day): the
/// rolling and z-score columns added, sorted by date and company.
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None))]
fn enrich_daily<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    frame_to_frame(py, stream, pipeline, |a, df| a.enrich_daily(df))
}

/// The exported `entities` table (the gazetteer, then the discovered companies of
/// `stream`: `entity_id` and `name`, as the `discovered_companies` table).
#[pyfunction]
#[pyo3(signature = (stream, pipeline=None))]
fn entities_table<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    pipeline: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    frame_to_frame(py, stream, pipeline, |a, df| a.entities_table(df))
}

/// The input files of a pipeline (a file's path or text, see [`load_pipeline`]; its
/// inputs, or `inputs` instead when given), sorted
/// as a run reads them: a list of `(input number, path, name shown in the tables)`.
#[pyfunction]
#[pyo3(signature = (pipeline, inputs=None))]
fn list_inputs(
    pipeline: &str,
    inputs: Option<Vec<String>>,
) -> PyResult<Vec<(usize, String, String)>> {
    let p = load_with_inputs(pipeline, inputs)?;
    let files = newstone::stages::ingest::resolve_inputs(&p).map_err(value_error)?;
    Ok(files
        .into_iter()
        .map(|f| (f.spec, f.path.to_string_lossy().into_owned(), f.shown))
        .collect())
}

/// Reads one input file as the ingest stage does: `raw` (its records in file order) and
/// `rejects`. `spec` is the input number [`list_inputs`] gave; `inputs` must be the
/// same as there.
#[pyfunction]
#[pyo3(signature = (pipeline, spec, path, shown, inputs=None))]
fn read_file<'py>(
    py: Python<'py>,
    pipeline: &str,
    spec: usize,
    path: &str,
    shown: &str,
    inputs: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = load_with_inputs(pipeline, inputs)?;
    let input = ResolvedInput {
        spec,
        path: PathBuf::from(path),
        shown: shown.to_string(),
        // Only a run's chunk reuse reads these.
        digest: String::new(),
        size: 0,
    };
    let (raw, rejects) = py
        .detach(|| -> anyhow::Result<_> {
            let (rows, rejects) = read_input(&p, &input)?;
            Ok((raw_to_frame(&rows)?, rejects_to_frame(&rejects)?))
        })
        .map_err(value_error)?;
    let d = PyDict::new(py);
    d.set_item("raw", export_frame(py, &raw)?)?;
    d.set_item("rejects", export_frame(py, &rejects)?)?;
    Ok(d)
}

/// Settings of a pipeline file the Spark job needs, as a dict: `timezone`,
/// `duplicate_window_days`, `partitioning`, `csv`, `article_text`, `out`.
#[pyfunction]
#[pyo3(signature = (pipeline=None))]
fn pipeline_settings<'py>(py: Python<'py>, pipeline: Option<&str>) -> PyResult<Bound<'py, PyDict>> {
    let p = load_pipeline(pipeline)?;
    let d = PyDict::new(py);
    d.set_item("timezone", &p.timezone)?;
    d.set_item("duplicate_window_days", p.normalize.duplicate_window_days)?;
    let partitioning = match p.export.partitioning {
        newstone::config::Partitioning::None => "none",
        newstone::config::Partitioning::Day => "day",
        newstone::config::Partitioning::Month => "month",
    };
    d.set_item("partitioning", partitioning)?;
    d.set_item("csv", p.export.csv)?;
    d.set_item("article_text", p.export.article_text)?;
    d.set_item("out", p.out.to_string_lossy().into_owned())?;
    Ok(d)
}

/// The native part of the `newstone` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_articles, m)?)?;
    m.add_function(wrap_pyfunction!(assign_stories, m)?)?;
    m.add_function(wrap_pyfunction!(enrich_daily, m)?)?;
    m.add_function(wrap_pyfunction!(entities_table, m)?)?;
    m.add_function(wrap_pyfunction!(list_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(read_file, m)?)?;
    m.add_function(wrap_pyfunction!(pipeline_settings, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
