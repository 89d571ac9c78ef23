"""spark-submit entry point of newstone's Spark job (see newstone/spark.py).

    spark-submit python/newstone_spark.py --pipeline pipelines/lemonde.toml --out out/spark
    spark-submit --master 'local[2]' python/newstone_spark.py --input 'news/*.jsonl' --out out/spark

The `newstone` package (its wheel, with the native module) must be installed where the
driver and the executors run Python: see "Python and Spark" in README.md.
"""

import os
import sys

# Python puts this file's folder first on the path, and the package's sources beside it
# (newstone/) have no native module: import the installed package instead.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _here]

from newstone.spark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
