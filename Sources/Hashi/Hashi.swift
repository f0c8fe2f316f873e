// The public face of Hashi for tools that embed it. Analysis types (Analyzer, Token, TextDecoder)
// are re-exported so an embedder imports one module.
@_exported import HashiAnalysis
