/**
 * A CSV file on disk as the importer's source: opened anew for each pass, read as UTF-8 in 256 KiB chunks.
 */
import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'

/**
 * @example const source = fileSource('history.csv'); await importCsv({ ...source, ... })
 */
export function fileSource(file: string): { open: () => { chunks: AsyncIterable<string>; bytesRead: () => number }; bytesTotal: number } {
  const bytesTotal = fs.statSync(file).size
  return {
    bytesTotal,
    open() {
      const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 })
      const decoder = new StringDecoder('utf8')
      async function* chunks() {
        for await (const buf of stream) yield decoder.write(buf as Buffer)
        const rest = decoder.end()
        if (rest) yield rest
      }
      return { chunks: chunks(), bytesRead: () => stream.bytesRead }
    },
  }
}
