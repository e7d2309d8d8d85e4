// The product version, shown in /api/health and the dashboard.
export const VERSION = "0.1.0";
