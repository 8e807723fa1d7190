/**
 * Imports the modules that register further CLI commands (rollup, users, demo, digest, backup, …).
 * Each feature registers its own commands with registerCommand in its own module; list them here.
 */
import './rollup/cli.js'
import './demo/cli.js'
import './auth/cli.js'
import './email/cli.js'
import './ops/cli.js'
import './import/cli.js'
import './alerts/cli.js'

export {}
