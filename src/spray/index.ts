/**
 * Password-spray indicators from auth logs (issue 5). Knows nothing of chat or the CLI:
 * src/commands wires it in.
 */
export { analyseSprayLogs, type AnalyseOptions } from './analyse';
export { correlateWithScan, type CorrelateOptions } from './correlate';
export { maskAccount, maskFinding, maskReport } from './mask';
export { loadSprayContent, type SprayContent } from './content';
export { parseFormatOption, SprayUsageError, FORMAT_HELP, type FormatChoice } from './sniff';
export {
  AUTH_RESULTS, LOG_FAMILIES, SOURCE_INDEX,
  type AuthEvent, type AuthResult, type ColumnMap, type InputSummary, type LogFamily, type MalformedSample,
  type SourceIndex, type SourceTotals, type SprayFinding, type SprayReport, type SprayWindow,
} from './types';
