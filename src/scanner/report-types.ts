import type { Severity } from './types';

/**
 * The JSON contract of a scan (`router-audit scan --json`). Later features add fields; none is
 * ever renamed or removed.
 */
export interface HostRecord {
  ip: string;
  mac: string | null;
  vendor: string | null;
  tplink: boolean;
  randomizedMac: boolean;
  gateway: boolean;
  openPorts: number[];
  model: string | null;
  /** the site whose agent found it (scans through site agents only) */
  site?: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  ip: string;
  title: string;
  evidence: string;
  advice: string[];
  /** the site whose agent found it (scans through site agents only) */
  site?: string;
}

export interface AdviceItem {
  id: string;
  title: string;
  text: string;
  url: string;
}

export interface ScanResult {
  targets: string[];
  startedAt: string;
  durationMs: number;
  hosts: HostRecord[];
  findings: Finding[];
  advice: AdviceItem[];
  /** present and true when the scan was cut short (timeout, cancel): results are incomplete */
  partial?: boolean;
}
