package org.backprop4j.cli.report;

import java.nio.file.Path;

/** Writes a sample report (manual look; not a test): {@code ReportScratch OUT.html [epochs]}. */
public final class ReportScratch {
    public static void main(String[] a) throws Exception {
        HtmlReport.write(SampleRuns.classification(a.length > 1 ? Integer.parseInt(a[1]) : 80), Path.of(a[0]));
    }
}
