package org.pathways.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.pathways.pipeline.ResultLog;

/**
 * Each table of a run folder (per-image.csv, label-counts.csv, detections.csv, ...) also as Parquet,
 * {@code <name>.parquet/}, the form a Spark user reads: the CSV's rows, already sorted by image id, with each column
 * typed as its values allow (long, double, boolean, else string). Written with Spark's DataFrame writer, so on a
 * cluster the run folder must be on the file system the executors share.
 */
final class ParquetTables {
    private ParquetTables() {}

    static void write(SparkSession spark, ResultLog log) throws IOException {
        for (ResultLog.Table table : log.tables()) {
            Path csv = log.dir().resolve(table.file());
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            String[] names = table.header().split(",", -1);
            List<String[]> cells = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) cells.add(line.split(",", -1));
            DataType[] types = new DataType[names.length];
            StructField[] fields = new StructField[names.length];
            for (int c = 0; c < names.length; c++) {
                types[c] = typeOf(cells, c);
                fields[c] = DataTypes.createStructField(names[c], types[c], false);
            }
            List<Row> rows = new ArrayList<>(cells.size());
            for (String[] r : cells) {
                Object[] values = new Object[names.length];
                for (int c = 0; c < names.length; c++) values[c] = value(r[c], types[c]);
                rows.add(RowFactory.create(values));
            }
            String name = table.file().replaceFirst("\\.csv$", "") + ".parquet";
            spark.createDataFrame(rows, DataTypes.createStructType(fields)).coalesce(1).write().mode(SaveMode.Overwrite)
                    .parquet(log.dir().resolve(name).toAbsolutePath().toUri().toString());
        }
    }

    /** The narrowest of long, double, boolean and string that every value of column {@code c} parses as. */
    static DataType typeOf(List<String[]> rows, int c) {
        boolean longs = !rows.isEmpty();
        boolean doubles = !rows.isEmpty();
        boolean booleans = !rows.isEmpty();
        for (String[] r : rows) {
            String v = r[c];
            longs &= v.matches("-?\\d{1,18}");
            doubles &= v.matches("-?(\\d+(\\.\\d*)?([eE][-+]?\\d+)?|NaN|Infinity)");
            booleans &= v.equals("true") || v.equals("false");
        }
        if (longs) return DataTypes.LongType;
        if (doubles) return DataTypes.DoubleType;
        if (booleans) return DataTypes.BooleanType;
        return DataTypes.StringType;
    }

    private static Object value(String v, DataType type) {
        if (type == DataTypes.LongType) return Long.parseLong(v);
        if (type == DataTypes.DoubleType) return Double.parseDouble(v);
        if (type == DataTypes.BooleanType) return Boolean.parseBoolean(v);
        return v;
    }
}
