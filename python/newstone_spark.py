"""spark-submit entry point of newstone's Spark job (see newstone/spark.py).

    spark-submit python/newstone_spark.py --pipeline pipelines/lemonde.toml --out out/spark
    spark-submit --master 'local[2]' python/newstone_spark.py --input 'news/*.jsonl' --out out/spark

The `newstone` package (its wheel, with the native module) must be installed where the
driver and the executors run Python: see "Python and Spark" in README.md.
"""

import sys

from newstone.spark import main

if __name__ == "__main__":
    sys.exit(main())
