"""Every piece of UI text, in English and Korean, with the terms of the lecture notes
(인코더, 디코더, 컨텍스트 벡터, 어텐션, 빔 서치, 그리디 서치, 티처 포싱 ...).

`t(key, **fmt)` returns the text in the language chosen in the sidebar (session state
"app.lang"); a missing Korean text falls back to English, a missing key to the key itself.
"""

from __future__ import annotations

LANGS = {"en": "English", "ko": "한국어"}
LANG_KEY = "app.lang"

S: dict[str, dict[str, str]] = {
    # app and sidebar
    "app.title": {"en": "Attention Lab", "ko": "어텐션 랩"},
    "app.pair": {"en": "Language pair", "ko": "언어 쌍"},
    "app.large": {"en": "Large fonts (projector)", "ko": "큰 글씨 (프로젝터)"},
    "app.no_checkpoints": {
        "en": "No checkpoints found under {root}. Train one (python -m s2s train ...) or set S2S_CHECKPOINTS.",
        "ko": "{root} 에 체크포인트가 없습니다. 모델을 학습하거나 (python -m s2s train ...) S2S_CHECKPOINTS 를 지정하세요.",
    },
    "page.translate": {"en": "Translate & compare", "ko": "번역과 비교"},
    "page.attention": {"en": "Attention", "ko": "어텐션"},
    "page.beam": {"en": "Beam search", "ko": "빔 서치"},
    # model kinds
    "kind.none": {"en": "vanilla encoder-decoder (one context vector)",
                  "ko": "바닐라 인코더-디코더 (컨텍스트 벡터 하나)"},
    "kind.bahdanau": {"en": "Bahdanau attention (additive)", "ko": "바다나우 어텐션 (additive, 학습되는 점수)"},
    "kind.dot": {"en": "Luong attention (dot)", "ko": "루옹 어텐션 (dot, 내적)"},
    "kind.general": {"en": "Luong attention (general)", "ko": "루옹 어텐션 (general)"},
    "kind.concat": {"en": "Luong attention (concat)", "ko": "루옹 어텐션 (concat)"},
    "short.none": {"en": "no attention", "ko": "어텐션 없음"},
    "short.bahdanau": {"en": "Bahdanau", "ko": "바다나우"},
    "short.dot": {"en": "Luong dot", "ko": "루옹 dot"},
    "short.general": {"en": "Luong general", "ko": "루옹 general"},
    "short.concat": {"en": "Luong concat", "ko": "루옹 concat"},
    "kind.unknown": {"en": "unreadable card", "ko": "읽을 수 없는 카드"},
    "kind.reversed": {"en": "reversed source", "ko": "입력 뒤집기"},
    # shared widgets
    "w.sentence": {"en": "Source sentence", "ko": "입력 문장 (소스)"},
    "w.preset": {"en": "Preset sentences", "ko": "예시 문장"},
    "w.preset.none": {"en": "— pick a preset —", "ko": "— 예시 선택 —"},
    "w.preset.short": {"en": "short", "ko": "짧은"},
    "w.preset.long": {"en": "long", "ko": "긴"},
    "w.run": {"en": "Translate", "ko": "번역하기"},
    "w.models": {"en": "Models", "ko": "모델"},
    "w.model": {"en": "Model", "ko": "모델"},
    "w.decoding": {"en": "Decoding", "ko": "디코딩"},
    "w.greedy": {"en": "greedy search", "ko": "그리디 서치 (탐욕적 탐색)"},
    "w.beam": {"en": "beam search", "ko": "빔 서치"},
    "w.beam_size": {"en": "Beam size", "ko": "빔 크기"},
    "w.lp": {"en": "Length penalty α", "ko": "길이 패널티 α"},
    "w.lp.help": {"en": "Hypotheses are ranked by log P / ((5+|y|)/6)^α; α = 0 ranks by raw log-probability.",
                  "ko": "가설 순위 = log P / ((5+|y|)/6)^α. α = 0 이면 로그 확률 그대로 비교합니다."},
    "w.load_error": {"en": "Model “{name}” could not be loaded ({kind}): {msg}",
                     "ko": "모델 “{name}” 을(를) 불러오지 못했습니다 ({kind}): {msg}"},
    "w.input_error": {"en": "This text cannot be translated: {msg}", "ko": "이 문장은 번역할 수 없습니다: {msg}"},
    "w.empty": {"en": "Type a sentence (or pick a preset) to translate.",
                "ko": "번역할 문장을 입력하거나 예시를 고르세요."},
    "w.unk": {"en": "{n} source piece(s) are unknown to the tokenizer (<unk>): characters outside the training "
                    "data, e.g. emoji or another script. The model sees them as one unknown token.",
              "ko": "입력 조각 {n}개가 어휘에 없습니다 (<unk>): 학습 데이터에 없는 문자(이모지, 다른 문자 체계 등)입니다. "
                    "모델은 이를 하나의 미지 토큰으로 봅니다."},
    "w.pick_model": {"en": "Pick at least one model.", "ko": "모델을 하나 이상 고르세요."},
    "w.source_pieces": {"en": "Source pieces", "ko": "입력 조각 (서브워드)"},
    # figure axes
    "fig.source": {"en": "source (encoder)", "ko": "입력 (인코더)"},
    "fig.target": {"en": "target (decoder)", "ko": "출력 (디코더)"},
    "fig.weight": {"en": "weight", "ko": "가중치"},
    "fig.diff": {"en": "A − B", "ko": "A − B"},
    "fig.step": {"en": "decoder step", "ko": "디코더 시점"},
    "fig.entropy": {"en": "entropy (bits)", "ko": "엔트로피 (비트)"},
    "fig.coverage": {"en": "coverage", "ko": "커버리지"},
    # translate page
    "tr.title": {"en": "Translate & compare", "ko": "번역과 비교"},
    "tr.intro": {
        "en": "The **encoder** reads the source sentence; the **decoder** writes the translation one piece at a "
              "time. The vanilla model squeezes the whole sentence into **one fixed context vector** (the "
              "bottleneck: early words fade on long sentences); attention models build a new context at every "
              "step as a weighted sum of all encoder states. Try a short and then a long preset.",
        "ko": "**인코더**가 입력 문장을 읽고, **디코더**가 번역을 한 조각씩 생성합니다. 바닐라 모델은 문장 전체를 "
              "**고정된 컨텍스트 벡터 하나**에 압축합니다 (병목: 긴 문장에서는 앞 단어 정보가 희미해집니다). "
              "어텐션 모델은 매 시점마다 모든 인코더 은닉 상태의 가중합으로 새 컨텍스트 벡터를 만듭니다. "
              "짧은 예시와 긴 예시를 차례로 넣어 보세요.",
    },
    "tr.logprob": {"en": "log-prob", "ko": "로그 확률"},
    "tr.norm": {"en": "normalised score", "ko": "정규화 점수"},
    "tr.time": {"en": "time", "ko": "시간"},
    "tr.pieces_out": {"en": "{n} pieces, {fin}", "ko": "조각 {n}개, {fin}"},
    "tr.finished": {"en": "ended with `</s>`", "ko": "`</s>` 로 끝남"},
    "tr.unfinished": {"en": "stopped at the length limit", "ko": "길이 한도에서 멈춤"},
    "tr.no_attention": {
        "en": "No attention: this vanilla model translates from one fixed context vector (the encoder's final "
              "state), the same at every decoder step — there is nothing to draw.",
        "ko": "어텐션 없음: 이 바닐라 모델은 인코더의 마지막 은닉 상태인 고정된 컨텍스트 벡터 하나로 번역합니다. "
              "모든 디코더 시점에 같은 벡터를 쓰므로 그릴 어텐션이 없습니다.",
    },
    "tr.diff.title": {"en": "Difference of attention", "ko": "어텐션 차이"},
    "tr.diff.rule": {
        "en": "Rule: both models share the source pieces; target lengths differ, so row t compares what each model "
              "attended to when it wrote its t-th target piece, over the common prefix of {n} steps "
              "(red: {a} attends more, blue: {b} attends more). The pieces written may differ.",
        "ko": "규칙: 두 모델의 입력 조각은 같습니다. 출력 길이가 다르므로 공통 앞부분 {n} 시점까지, t 번째 행은 각 "
              "모델이 t 번째 출력 조각을 만들 때의 어텐션을 비교합니다 (빨강: {a} 가 더 주목, 파랑: {b} 가 더 주목). "
              "생성한 조각 자체는 다를 수 있습니다.",
    },
    "tr.diff.need_two": {"en": "Choose two attention models to see the difference of their attention.",
                         "ko": "어텐션 차이를 보려면 어텐션 모델 두 개를 고르세요."},
    "tr.diff.tokens": {"en": "The two models tokenise the source differently; no difference map.",
                       "ko": "두 모델의 입력 토큰화가 달라 차이를 그릴 수 없습니다."},
    "tr.diff.a": {"en": "Model A", "ko": "모델 A"},
    "tr.diff.b": {"en": "Model B", "ko": "모델 B"},
    "tr.share": {"en": "The address bar now holds this view (sentence, models, decoding): copy it to share.",
                 "ko": "주소창의 링크가 지금 화면(문장, 모델, 디코딩)을 담고 있습니다. 복사해서 공유하세요."},
    # attention page
    "at.title": {"en": "Attention", "ko": "어텐션"},
    "at.intro": {
        "en": "At every decoder step the model **scores** every encoder state, turns the scores into weights with a "
              "**softmax** (the attention distribution, each row sums to 1) and takes the **weighted sum** as the "
              "context vector. Bahdanau learns the score with a small network (additive); Luong scores by dot "
              "product, a bilinear form (general) or a layer over the concatenation (concat).",
        "ko": "디코더는 매 시점마다 모든 인코더 은닉 상태에 **어텐션 스코어**를 매기고, **소프트맥스**로 가중치(어텐션 "
              "분포, 각 행의 합 = 1)로 바꾼 뒤, **가중합**을 컨텍스트 벡터로 씁니다. 바다나우는 점수 자체를 작은 "
              "신경망으로 학습하고(additive), 루옹은 내적(dot), 쌍선형(general), 연결 후 층(concat)으로 점수를 냅니다.",
    },
    "at.hyp": {"en": "Beam hypothesis to inspect", "ko": "살펴볼 빔 가설"},
    "at.level": {"en": "Tokens", "ko": "토큰 단위"},
    "at.pieces": {"en": "subword pieces", "ko": "서브워드 조각"},
    "at.words": {"en": "whole words", "ko": "단어"},
    "at.rule": {
        "en": "Word level: the weights of the pieces of one source word are summed; the rows of the pieces of "
              "one target word are averaged (so every row still sums to 1).",
        "ko": "단어 단위: 한 입력 단어에 속한 조각들의 가중치는 더하고, 한 출력 단어에 속한 조각들의 행은 평균합니다 "
              "(각 행의 합은 여전히 1).",
    },
    "at.no_attention_models": {"en": "None of the chosen models has attention. Pick an attention model.",
                               "ko": "고른 모델 중 어텐션 모델이 없습니다. 어텐션 모델을 고르세요."},
    "at.vanilla_skipped": {"en": "{name}: vanilla model, no attention (one fixed context vector).",
                           "ko": "{name}: 바닐라 모델이라 어텐션이 없습니다 (고정된 컨텍스트 벡터 하나)."},
    "at.entropy": {"en": "Attention entropy per target step", "ko": "출력 시점별 어텐션 엔트로피"},
    "at.entropy.cap": {"en": "Entropy of each row in bits: 0 = all weight on one source token; high = spread "
                             "out (unsure where to look).",
                       "ko": "각 행의 엔트로피(비트): 0 = 한 입력 토큰에 집중, 클수록 = 여러 곳에 퍼짐 (어디를 볼지 불확실)."},
    "at.coverage": {"en": "Coverage per source token", "ko": "입력 토큰별 커버리지"},
    "at.coverage.cap": {"en": "Attention each source token received, summed over all target steps. Below {low}: "
                              "possibly dropped; above {high}: possibly translated twice.",
                        "ko": "각 입력 토큰이 모든 출력 시점에 걸쳐 받은 어텐션의 합. {low} 미만: 빠뜨렸을 수 있음, "
                              "{high} 초과: 두 번 번역했을 수 있음."},
    "at.dropped": {"en": "{name} — possibly dropped: {words}", "ko": "{name} — 빠뜨렸을 수 있는 단어: {words}"},
    "at.repeated": {"en": "{name} — possibly repeated: {words}", "ko": "{name} — 반복했을 수 있는 단어: {words}"},
    "at.flags_ok": {"en": "{name}: every source token has coverage between {low} and {high}.",
                    "ko": "{name}: 모든 입력 토큰의 커버리지가 {low} 와 {high} 사이입니다."},
    # beam page
    "bm.title": {"en": "Beam search", "ko": "빔 서치"},
    "bm.intro": {
        "en": "**Greedy search** keeps only the most probable piece at each step; **beam search** keeps the k best "
              "partial translations (the beam) and expands each. Beam size 1 is greedy search. Every "
              "hypothesis ends with `</s>` or at the length limit.",
        "ko": "**그리디 서치**는 매 시점 가장 확률이 높은 조각 하나만 남기고, **빔 서치**는 가장 좋은 부분 번역 k 개(빔)를 "
              "유지하며 각각을 확장합니다. 빔 크기 1 = 그리디 서치. 각 가설은 `</s>` 에서 또는 길이 한도에서 끝납니다.",
    },
    "bm.table": {"en": "Final hypotheses", "ko": "최종 가설"},
    "bm.col.rank": {"en": "rank", "ko": "순위"},
    "bm.col.text": {"en": "translation", "ko": "번역"},
    "bm.col.logprob": {"en": "log-prob", "ko": "로그 확률"},
    "bm.col.norm": {"en": "normalised", "ko": "정규화 점수"},
    "bm.col.len": {"en": "length", "ko": "길이"},
    "bm.col.finished": {"en": "finished", "ko": "완료"},
    "bm.tree": {"en": "Search tree", "ko": "탐색 트리"},
    "bm.tree.cap": {"en": "Every candidate the search scored: kept in the beam (blue), pruned (grey ×), finished "
                          "with `</s>` (green ★). Red: the path of the chosen hypothesis. Hover for the piece, its "
                          "log-prob and the cumulative score.",
                    "ko": "탐색이 점수를 매긴 모든 후보: 빔에 남음(파랑), 가지치기됨(회색 ×), `</s>` 로 완료(초록 ★). "
                          "빨강: 선택한 가설의 경로. 마우스를 올리면 조각, 로그 확률, 누적 점수가 보입니다."},
    "fate.kept": {"en": "kept", "ko": "유지"},
    "fate.pruned": {"en": "pruned", "ko": "가지치기"},
    "fate.finished": {"en": "finished (</s>)", "ko": "완료 (</s>)"},
    "fate.path": {"en": "chosen hypothesis", "ko": "선택한 가설"},
    "bm.hyp": {"en": "Hypothesis", "ko": "가설"},
    "bm.topk": {"en": "Top-{k} alternatives at each step", "ko": "시점별 상위 {k}개 후보"},
    "bm.topk.cap": {"en": "The hypothesis's pieces are fed back as decoder inputs; each row lists the model's most "
                          "probable next pieces at that step.",
                    "ko": "가설의 조각을 디코더 입력으로 다시 넣고, 각 시점에서 모델이 가장 그럴듯하다고 본 다음 조각들을 보여줍니다."},
    "bm.col.step": {"en": "step", "ko": "시점"},
    "bm.col.chosen": {"en": "chosen", "ko": "선택"},
    "bm.col.p": {"en": "P(chosen)", "ko": "P(선택)"},
    "bm.alt": {"en": "Pick another word and continue decoding", "ko": "다른 단어를 골라 이어서 디코딩하기"},
    "bm.alt.step": {"en": "At step", "ko": "시점"},
    "bm.alt.word": {"en": "use instead", "ko": "대신 쓸 조각"},
    "bm.alt.result": {"en": "New translation (greedy after the forced prefix):",
                      "ko": "새 번역 (고정한 앞부분 이후는 그리디 서치):"},
    "bm.alt.cap": {"en": "The first {n} pieces are forced; the decoder continues from there, feeding back its own "
                         "predictions.",
                   "ko": "앞의 {n}개 조각은 고정하고, 그 다음부터는 디코더가 자신의 예측을 다시 입력으로 넣으며 이어갑니다."},
}


def lang() -> str:
    try:
        import streamlit as st

        value = st.session_state.get(LANG_KEY, "en")
    except Exception:  # outside a running app
        value = "en"
    return value if value in LANGS else "en"


def t(key: str, **fmt) -> str:
    entry = S.get(key)
    if entry is None:
        return key
    text = entry.get(lang()) or entry["en"]
    return text.format(**fmt) if fmt else text
