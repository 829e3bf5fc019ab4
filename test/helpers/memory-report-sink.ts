// A ReportSink for tests that check exactly what an emulator wrote, plugged in with createEmulator({ reports }):
// objects kept in memory by their gs:// URI. Every bucket exists.
import type { ReportSink } from '../../src/emulator/lakehouse/store';

export interface StoredReport {
  uri: string;
  contentType: string;
  body: string;
}

export class MemoryReportSink implements ReportSink {
  private readonly objects = new Map<string, StoredReport>();

  write(uri: string, body: string, contentType: string): Promise<void> {
    if (!/^gs:\/\/[^/]+\/.+/.test(uri)) return Promise.reject(new Error(`not a Cloud Storage object URI: ${uri}`));
    this.objects.set(uri, { uri, contentType, body });
    return Promise.resolve();
  }

  list(): StoredReport[] {
    return [...this.objects.values()];
  }

  read(uri: string): StoredReport | undefined {
    return this.objects.get(uri);
  }
}
