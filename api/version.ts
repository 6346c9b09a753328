// The program version reported by /api/version and --version.
export const VERSION = "0.4.0";
