// The public face of Hashi for tools that embed it. Analysis types (Analyzer, Token, TextDecoder)
// and query types (SearchMode, Query, RankingParameters) are re-exported so an embedder imports
// one module.
@_exported import HashiAnalysis
@_exported import HashiSearch
