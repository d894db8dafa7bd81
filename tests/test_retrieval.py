"""Retrievers: BM25 and MiniLM rank the obvious document first, ties break by corpus order, k is clamped."""
import numpy as np
import pytest

from baselines.retrieval import BM25Retriever, MiniLMRetriever, make_retriever, rank, tokenize, tool_search_text
from harness.errors import HarnessInputError
from harness.suite.tools import parse_tool
from tests.suite_files import small_tool_library

DOCUMENTS = ["Turn off the kitchen lights.", "Weather in Rome?", "Convert 100 US dollars to euros.",
             "Switch on the lights in the garden."]


def test_tokenize_lowercases_and_splits_underscores_and_punctuation():
    assert tokenize("get_current_WEATHER: Paris, 3-day") == ["get", "current", "weather", "paris", "3", "day"]


def test_rank_orders_by_score_then_index():
    assert rank(np.array([0.5, 0.9, 0.5, 0.9]), 3) == [1, 3, 0]
    assert rank(np.array([0.1, 0.1 + 1e-9]), 2) == [0, 1]  # float noise is a tie
    assert rank(np.array([1.0, 2.0]), 5) == [1, 0]
    assert rank(np.zeros(0), 3) == []


def test_bm25_ranks_the_obvious_document_first():
    retriever = BM25Retriever(DOCUMENTS)
    assert retriever.top_k("what's the weather in Rome today", 1) == [1]
    assert retriever.top_k("lights in the bedroom", 2) == [3, 0]


def test_bm25_without_any_shared_word_keeps_corpus_order():
    assert BM25Retriever(DOCUMENTS).top_k("zzz", 2) == [0, 1]
    assert BM25Retriever(DOCUMENTS).top_k("", 2) == [0, 1]
    assert BM25Retriever(["", "?"]).top_k("lights", 5) == [0, 1]


def test_bm25_separates_a_two_document_corpus():
    # Okapi's classic IDF is zero for a word in one of two documents; Lucene's is not.
    assert BM25Retriever(["weather", "lights"]).top_k("lights", 1) == [1]


def test_tool_search_text_has_name_description_and_argument_words():
    tool = parse_tool(small_tool_library()[3])
    assert tool_search_text(tool) == ("convert currency: Convert an amount of money from one currency to another. "
                                      "Arguments: amount from currency to currency")


def test_unknown_retriever_is_an_input_error():
    with pytest.raises(HarnessInputError, match="unknown retriever 'tfidf'"):
        make_retriever("tfidf", DOCUMENTS)


def test_minilm_finds_the_tool_by_meaning_without_shared_words():
    tools = [tool_search_text(parse_tool(tool)) for tool in small_tool_library()]
    retriever = MiniLMRetriever(tools)
    assert retriever.embeddings.shape == (5, 384)
    assert np.allclose(np.linalg.norm(retriever.embeddings, axis=1), 1.0, atol=1e-5)
    assert retriever.top_k("Is it going to rain in Oslo?", 1) == [0]
    assert retriever.top_k("How many yen do I get for 50 pounds?", 1) == [3]
    assert retriever.top_k("Is it going to rain in Oslo?", 9) == retriever.top_k("Is it going to rain in Oslo?", 9)
