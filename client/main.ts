/** The dashboard entry: the shell element does the rest. */
import './components/ys-app.js'
