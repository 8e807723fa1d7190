/**
 * /embed.js: the embeddable elements for other tools' pages, in one small classic script.
 *   <script src="https://yardstick.example.com/embed.js"></script>
 *   <ys-outcome-chart initiative="invoice-processing" metric="time_saved" range="90d" share-token="…"></ys-outcome-chart>
 *   <ys-outcome-tile initiative="invoice-processing" metric="value" range="30d" token="ys_live_…"></ys-outcome-tile>
 */
import './components/embed-api.js'
import './components/ys-outcome-chart.js'
import './components/ys-outcome-tile.js'
