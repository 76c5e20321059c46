"""The optional semantic ranker on a tiny model2vec model built here (no download, no real model)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tokenizers", reason="the semantic extra is not installed")
pytest.importorskip("safetensors", reason="the dev extra is not installed")

from safetensors.numpy import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

from bot.answers.semantic import (
    MAX_TOKENS,
    SemanticModelError,
    SemanticRanker,
    fuse,
    load_ranker,
)
from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
DIMS = 32
#: Words that mean the same (in German, English and Turkish) get vectors near one direction.
TOPICS = {
    "kindergeld": "kindergeld kindergeldantrag familienkasse child benefit allowance çocuk parası",
    "wohnung": "wohnung wohnungsamt unterkunft flat apartment housing rent miete kira",
    "arbeit": "arbeit arbeiten arbeitserlaubnis beschäftigung work job employment",
    "kurs": "deutschkurs sprachkurs kurs german course learn almanca",
    "gesundheit": "arzt krankenversicherung krank doctor health insurance sick doktor",
}
#: Words of every topic: small vectors, so they weigh little in a mean.
FUNCTION_WORDS = "wie wo ich eine einen der die bei beim darf brauche mit how do i get a an to for where can looking"
FILLER = [f"w{i:03d}" for i in range(300)]
ENTRIES = [
    ["Wie beantrage ich Kindergeld?", "Den Kindergeldantrag stellen Sie bei der Familienkasse."],
    ["Wo finde ich eine Wohnung?", "Beim Wohnungsamt gibt es eine Unterkunft."],
    ["Darf ich arbeiten?", "Mit einer Arbeitserlaubnis ist Beschäftigung erlaubt."],
    ["Wo finde ich einen Deutschkurs?", "Ein Sprachkurs hilft, Deutsch zu lernen."],
    ["Brauche ich eine Krankenversicherung?", "Ohne Krankenversicherung zahlt niemand den Arzt."],
]


def vocabulary() -> list[str]:
    """Return the tiny model's tokens: [UNK], topic words, function words, filler."""
    words = ["[UNK]"]
    for group in TOPICS.values():
        words += group.split()
    words += FUNCTION_WORDS.split() + FILLER
    return list(dict.fromkeys(words))


def vectors(tokens: list[str], seed: int = 7) -> np.ndarray:
    """Return tokens x DIMS vectors: a topic's words close to its direction, the rest apart."""
    rng = np.random.default_rng(seed)
    directions = np.linalg.qr(rng.normal(size=(DIMS, DIMS)))[0][: len(TOPICS)]
    topic = {w: k for k, group in enumerate(TOPICS.values()) for w in group.split()}
    out = rng.normal(scale=0.3, size=(len(tokens), DIMS))
    for row, token in enumerate(tokens):
        if token in topic:
            out[row] += 3.0 * directions[topic[token]]
        elif token.startswith("w") and token[1:].isdigit():
            out[row] = rng.normal(size=DIMS)
    out[0] = 0.0  # [UNK] is never used: model2vec leaves unknown tokens out
    return out.astype(np.float32)


def save_model(
    directory: Path, tensors: dict[str, np.ndarray] | None = None, tokens: list[str] | None = None
) -> Path:
    """Write a model2vec directory as `StaticModel.save_pretrained` does; return it."""
    tokens = tokens or vocabulary()
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.WordLevel({t: i for i, t in enumerate(tokens)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(directory / "tokenizer.json"))
    save_file(tensors or {"embeddings": vectors(tokens)}, str(directory / "model.safetensors"))
    config = {"model_type": "model2vec", "normalize": True, "hidden_dim": DIMS}
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_model(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def ranker(model_dir: Path) -> SemanticRanker:
    return SemanticRanker.from_path(model_dir)


def test_a_model_directory_loads(ranker: SemanticRanker):
    assert ranker.dim == DIMS


def test_each_text_gets_one_unit_vector(ranker: SemanticRanker):
    out = ranker.embed(["Wie beantrage ich Kindergeld?", "child benefit", "Wohnung"])
    assert out.shape == (3, DIMS)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)


def test_a_text_without_a_known_token_gets_zeros(ranker: SemanticRanker):
    out = ranker.embed(["", "Quatsch Blabla", "?!"])
    assert not out.any()
    assert not ranker.similarities("Quatsch", ranker.index_entries(ENTRIES)).any()


def test_a_batch_gives_each_text_what_it_gets_alone(ranker: SemanticRanker):
    texts = ["child benefit", "", "Wohnung Miete", "??", "doctor"] * 60  # past one chunk
    alone = np.vstack([ranker.embed([text]) for text in texts])
    assert np.allclose(ranker.embed(texts), alone, atol=1e-6)


def test_a_vector_is_the_mean_of_its_token_vectors(model_dir: Path, ranker: SemanticRanker):
    tokens = vocabulary()
    table = vectors(tokens)
    mean = table[[tokens.index("child"), tokens.index("benefit")]].mean(axis=0)
    expected = mean / np.linalg.norm(mean)
    # Unknown words ("please") and punctuation are left out, as model2vec does.
    assert np.allclose(ranker.embed(["Child benefit, please?"])[0], expected, atol=1e-6)


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("how do I get child allowance", 0),
        ("çocuk parası", 0),
        ("looking for an apartment to rent", 1),
        ("can I get a job", 2),
        ("where can I learn German", 3),
        ("doctor, I am sick", 4),
    ],
)
def test_a_query_in_other_words_finds_the_right_entry_first(
    ranker: SemanticRanker, query: str, entry: int
):
    scores = ranker.similarities(query, ranker.index_entries(ENTRIES))
    assert int(np.argmax(scores)) == entry
    assert scores[entry] > 0.5


def test_entry_vectors_are_unit_centroids_and_an_empty_entry_gets_zeros(ranker: SemanticRanker):
    entries = ranker.index_entries([*ENTRIES, []])
    assert entries.shape == (len(ENTRIES) + 1, DIMS)
    assert np.allclose(np.linalg.norm(entries[:-1], axis=1), 1.0, atol=1e-6)
    assert not entries[-1].any()
    parts = ranker.embed(ENTRIES[0])
    centroid = parts.sum(axis=0) / np.linalg.norm(parts.sum(axis=0))
    assert np.allclose(entries[0], centroid, atol=1e-6)


def test_only_the_first_max_tokens_count(ranker: SemanticRanker):
    head = " ".join(["kindergeld"] * MAX_TOKENS)
    out = ranker.embed([head + " wohnung" * 100, head, "x" * 100_000])
    assert np.allclose(out[0], out[1])
    assert not out[2].any()


def test_weight_zero_gives_the_lexical_scores_exactly():
    rng = np.random.default_rng(1)
    lexical, semantic = rng.random(50) * 1.3, rng.uniform(-1, 1, 50)
    fused = fuse(lexical, semantic, 0.0)
    assert np.array_equal(fused, lexical)
    assert fused is not lexical


def test_fusion_lifts_the_entry_that_means_the_same(ranker: SemanticRanker):
    lexical = np.array([0.45, 0.50, 0.0, 0.0, 0.0])  # a shared word puts housing first
    semantic = ranker.similarities("how do I get child allowance", ranker.index_entries(ENTRIES))
    assert int(np.argmax(fuse(lexical, semantic, 0.0))) == 1
    fused = fuse(lexical, semantic, 0.3)
    assert int(np.argmax(fused)) == 0
    assert fused[1] < lexical[1]  # the entry that only shared a word loses
    assert np.allclose(fused, 0.7 * lexical + 0.3 * np.clip(semantic, 0, 1))


def test_a_negative_cosine_counts_as_no_similarity():
    assert np.array_equal(fuse(np.array([0.4]), np.array([-0.9]), 0.5), np.array([0.2]))


@pytest.mark.parametrize(
    ("lexical", "semantic", "weight"),
    [([0.1, 0.2], [0.3, 0.4], 1.5), ([0.1, 0.2], [0.3, 0.4], -0.1), ([0.1, 0.2], [0.3], 0.3)],
)
def test_fusion_refuses_a_wrong_weight_or_shape(lexical, semantic, weight):
    with pytest.raises(ValueError):
        fuse(np.array(lexical), np.array(semantic), weight)


def test_half_precision_and_int8_models_rank_alike(tmp_path: Path, ranker: SemanticRanker):
    table = vectors(vocabulary())
    half = SemanticRanker.from_path(
        save_model(tmp_path / "f16", {"embeddings": table.astype(np.float16)})
    )
    scale = np.abs(table).max() / 127
    quantized = np.clip(np.rint(table / scale), -127, 127).astype(np.int8)
    small = SemanticRanker.from_path(save_model(tmp_path / "i8", {"embeddings": quantized}))
    queries = ["how do I get child allowance", "where can I learn German", "Wohnung Miete"]
    reference = ranker.embed(queries)
    assert np.allclose(half.embed(queries), reference, atol=1e-2)
    assert np.allclose(small.embed(queries), reference, atol=5e-2)


def test_a_vocabulary_quantized_model_uses_its_mapping_and_weights(tmp_path: Path):
    tokens = vocabulary()
    table = vectors(tokens)
    rng = np.random.default_rng(3)
    mapping = rng.integers(0, 40, size=len(tokens)).astype(np.int64)
    weights = rng.uniform(0.5, 2.0, size=len(tokens)).astype(np.float32)
    rows = table[:40]
    ranker = SemanticRanker.from_path(
        save_model(tmp_path, {"embeddings": rows, "mapping": mapping, "weights": weights})
    )
    ids = [tokens.index(w) for w in ("child", "benefit", "wohnung")]
    mean = (rows[mapping[ids]] * weights[ids][:, None]).mean(axis=0)
    assert np.allclose(ranker.embed(["child benefit Wohnung"])[0], mean / np.linalg.norm(mean))


def test_the_setting_names_a_model_directory(model_dir: Path):
    assert load_settings({"SEMANTIC_MODEL": str(model_dir)}).semantic_model == model_dir


def broken(directory: Path, case: str) -> Path:
    """Return a directory that is not a usable model in one way."""
    if case == "hub name":
        return Path("minishlab/potion-multilingual-128M")
    if case == "file":
        directory.write_text("not a directory", encoding="utf-8")
        return directory
    if case == "empty":
        directory.mkdir()
        return directory
    save_model(directory)
    if case == "config":
        (directory / "config.json").write_text("{not json", encoding="utf-8")
    elif case == "garbage":
        (directory / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    elif case == "no embeddings":
        save_file({"embedding.weight": vectors(vocabulary())}, str(directory / "model.safetensors"))
    elif case == "truncated":
        data = (directory / "model.safetensors").read_bytes()
        (directory / "model.safetensors").write_bytes(data[:-100])
    return directory


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "hub name",
            "'minishlab/potion-multilingual-128M' is not a directory (Lotse never downloads",
        ),
        ("file", "is not a directory"),
        (
            "empty",
            "not a model2vec model directory: config.json, tokenizer.json, model.safetensors missing",
        ),
        ("config", "config.json is not valid JSON"),
        ("garbage", "model.safetensors is not a safetensors file"),
        ("no embeddings", "has no 'embeddings' matrix (tokens x dims)"),
        ("truncated", "tensor 'embeddings' does not fit the file"),
    ],
)
def test_a_wrong_path_stops_the_start_with_a_clear_message(tmp_path: Path, case: str, message: str):
    path = broken(tmp_path / "model", case)
    with pytest.raises(ConfigError) as caught:
        load_settings({"SEMANTIC_MODEL": str(path)})
    assert caught.value.variable == "SEMANTIC_MODEL"
    assert str(caught.value).startswith("SEMANTIC_MODEL: ")
    assert message in str(caught.value)
    with pytest.raises(SemanticModelError, match=re.escape(message)):
        SemanticRanker.from_path(path)


def test_a_tokenizer_and_vectors_that_do_not_belong_together_are_refused(tmp_path: Path):
    path = save_model(tmp_path, {"embeddings": vectors(vocabulary())[:100]})
    with pytest.raises(SemanticModelError, match=r"tokenizer has \d+ tokens but there are 100"):
        SemanticRanker.from_path(path)


def test_a_broken_tokenizer_is_refused(tmp_path: Path):
    path = save_model(tmp_path)
    (path / "tokenizer.json").write_text('{"model": 1}', encoding="utf-8")
    with pytest.raises(SemanticModelError, match=r"tokenizer.json is not a tokenizer"):
        SemanticRanker.from_path(path)


def test_without_the_extra_the_setting_says_how_to_install_it(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    with pytest.raises(
        ConfigError, match=r"needs the semantic extra: pip install 'lotse\[semantic\]'"
    ):
        load_settings({"SEMANTIC_MODEL": str(model_dir)})


def test_without_the_setting_nothing_is_loaded_or_imported():
    assert load_settings({}).semantic_model is None
    assert load_ranker(None) is None
    code = (
        "import sys\n"
        "from bot.config import load_settings\n"
        "from bot.answers.semantic import load_ranker\n"
        "assert load_ranker(load_settings({}).semantic_model) is None\n"
        "print(sorted(m for m in ('tokenizers', 'safetensors', 'huggingface_hub') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def engine_content():
    """A content store of the five ENTRIES (German only), for the engine with a ranker."""
    from bot.catalog.schema import Content, FaqEntry, FaqText

    faq = {
        f"e{i}": FaqEntry(
            id=f"e{i}",
            scope="nrw",
            translations={"de": FaqText(questions=(question,), answer=answer)},
        )
        for i, (question, answer) in enumerate(ENTRIES)
    }
    return Content(faq=faq)


def test_the_engine_fuses_the_ranker_and_works_without_it(ranker: SemanticRanker):
    from bot.answers.engine import AnswerEngine

    content = engine_content()
    plain, semantic = AnswerEngine(content), AnswerEngine(content, ranker=ranker)
    question = "Wo finde ich einen Deutschkurs?"
    assert plain.ask(question, "de").hits[0].id == semantic.ask(question, "de").hits[0].id == "e3"
    plain_scores = {h.id: h.score for h in plain.ask(question, "de").hits}
    fused_scores = {h.id: h.score for h in semantic.ask(question, "de").hits}
    assert fused_scores != plain_scores  # the similarity took part
    silent = AnswerEngine(content, ranker=ranker)
    silent.tuning = replace(silent.tuning, semantic=0.0)  # weight 0: lexical scores exactly
    assert {h.id: h.score for h in silent.ask(question, "de").hits} == plain_scores
