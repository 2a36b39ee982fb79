import type { ReportModel } from '../types.js';

/** The JSON output is the report model itself (key order is the model's construction order). */
export async function renderJson(model: ReportModel): Promise<string> {
  return `${JSON.stringify(model, null, 2)}\n`;
}
