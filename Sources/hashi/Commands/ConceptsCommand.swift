import ArgumentParser
import Foundation
import Hashi
import HashiConcepts

/// `hashi concepts`: review the concepts an index searches with.
struct ConceptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concepts",
        abstract: "List, inspect, review and export the index's concepts (term ↔ concept mapping); import JMdict.",
        subcommands: [List.self, Show.self, Mined.self, Accept.self, Export.self, Import.self]
    )

    /// Options shared by the subcommands that read an index.
    struct IndexOptions: ParsableArguments {
        @Option(help: "The index folder.")
        var index = "Index"

        func table() throws -> ConceptTable {
            let url = URL(fileURLWithPath: index)
            do {
                let searchIndex = try SearchIndex(at: url)
                guard let table = searchIndex.concepts else {
                    throw CLIError("\(index): this index has no concept table; run `hashi index --full`")
                }
                return table
            } catch let error as HashiError {
                throw CLIError(error.description)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every concept with its members, kinds and sources.")
        @OptionGroup var options: IndexOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let table = try options.table()
            if json {
                print(try JSON.line(table.map.concepts.map(ConceptView.init)))
                return
            }
            print("\(table.map.concepts.count) concepts (dictionaries: \(table.dictionaries.isEmpty ? "none" : table.dictionaries.joined(separator: ", ")); mined pairs at confidence ≥ \(table.threshold))")
            for concept in table.map.concepts {
                print(ConceptView(concept).line)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The concepts a term belongs to, with every member's source.")
        @OptionGroup var options: IndexOptions
        @Argument(help: "The term (any width or case; several words for a phrase).") var term: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let table = try options.table()
            let concepts = try table.map.memberships(of: term, using: Analyzer())
            if json {
                print(try JSON.line(concepts.map(ConceptView.init)))
                return
            }
            if concepts.isEmpty { print("\(term): in no concept") }
            for concept in concepts {
                print(ConceptView(concept).line)
                for member in concept.members {
                    var notes = [member.kind.rawValue, member.source.label]
                    if let form = member.form { notes.append(form.description) }
                    notes.append("confidence " + String(format: "%.2f", member.confidence))
                    switch member.role {
                    case .equivalent: break
                    case .inputOnly: notes.append("one-way: leads to the concept, not expanded to")
                    case .expansionOnly: notes.append("expanded to, never a trigger")
                    }
                    if !member.isSuggestible { notes.append("matched in documents, never suggested") }
                    print("    \(member.text)  [\(notes.joined(separator: ", "))]")
                }
            }
        }
    }

    struct Mined: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every pair mined from the corpus, with its evidence, for review.")
        @OptionGroup var options: IndexOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let table = try options.table()
            if json {
                print(try JSON.line(table.mined))
                return
            }
            print("\(table.mined.count) mined pairs; those marked * take part in search (confidence ≥ \(table.threshold))")
            for pair in table.mined {
                let used = pair.rule != .reading && pair.confidence >= table.threshold ? "*" : " "
                print("\(used) \(pair.terms.joined(separator: " ~ "))  [\(pair.rule.rawValue), \(String(format: "%.2f", pair.confidence))]")
                for evidence in pair.evidence.prefix(2) {
                    print("      \(evidence.document):\(evidence.line)  \(evidence.snippet.replacingNewlines())")
                }
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add terms as one concept to a dictionary file (e.g. a mined pair you reviewed).",
            discussion: "Appends `a, b, …` to the dictionary (creating it), after checking the line parses. Rebuild the index to use it."
        )
        @Argument(help: "Two or more terms that mean the same.") var terms: [String]
        @Option(help: "The dictionary file.") var dictionary = "Corpus/" + IndexBuilder.defaultConceptsFileName
        @Option(help: "A comment saying why (written after the line).") var reason: String?

        func validate() throws {
            guard terms.count >= 2 else { throw ValidationError("Give at least two terms.") }
        }

        func run() throws {
            let escaped = terms.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
                .replacingOccurrences(of: "#", with: "\\#").replacingOccurrences(of: "=>", with: "\\=>") }
            let line = escaped.joined(separator: ", ")
            do {
                _ = try ConceptDictionary.parse(line, file: dictionary, using: Analyzer())
            } catch {
                throw CLIError("the terms do not make a valid dictionary line: \(error)")
            }
            var text = (try? String(contentsOfFile: dictionary, encoding: .utf8)) ?? ""
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "# accepted \(ISO8601DateFormatter().string(from: Date()))" + (reason.map { ": \($0)" } ?? "") + "\n" + line + "\n"
            do {
                try text.write(toFile: dictionary, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("\(dictionary): cannot write the dictionary (\(error.localizedDescription))")
            }
            print("added to \(dictionary): \(line)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the concept map as a synonyms file Elasticsearch/OpenSearch synonym_graph (or Solr) loads as is."
        )
        @OptionGroup var options: IndexOptions
        @Option(help: "The format (solr).") var format = "solr"
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func validate() throws {
            guard format == "solr" else { throw ValidationError("--format: only solr is supported.") }
        }

        func run() throws {
            let text = ConceptDictionary.export(solr: try options.table().map)
            if let output {
                do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("\(output): cannot write (\(error.localizedDescription))")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }
}

/// A concept as the CLI shows it.
struct ConceptView: Encodable {
    struct Member: Encodable {
        let text: String
        let kind: String
        let source: String
        /// `curated`, `mined`, `built-in background` or `imported background`.
        let tier: String
        let confidence: Double
        /// `equivalent`, `inputOnly` (leads to the concept only) or `expansionOnly` (expanded to only).
        let role: String
        let oneWay: Bool
        /// The typed form (SudachiDict), e.g. `alphabetic spelling, lexeme 1`.
        let form: String?
        /// False for misuses and misspellings: matched in documents, never suggested.
        let suggestible: Bool
    }
    let members: [Member]

    init(_ concept: Concept) {
        members = concept.members.map {
            Member(text: $0.text, kind: $0.kind.rawValue, source: describe($0.source), tier: $0.source.tier.description,
                   confidence: $0.confidence, role: $0.role.rawValue, oneWay: $0.role == .inputOnly,
                   form: $0.form?.description, suggestible: $0.isSuggestible)
        }
    }

    /// The suggestible members' texts (misspellings and misuses are not shown).
    var line: String { members.filter(\.suggestible).map(\.text).joined(separator: " ~ ") }
}

/// `file:line` for dictionaries, `mined doc:line`, or the background dictionary's label.
func describe(_ source: ConceptSource) -> String {
    switch source {
    case let .dictionary(file, line): "\(file):\(line)"
    case let .mined(document, line): "mined \(document):\(line)"
    case .background, .imported: source.label
    }
}
