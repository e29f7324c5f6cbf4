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
    "page.context": {"en": "Context vectors", "ko": "컨텍스트 벡터"},
    "page.bottleneck": {"en": "Bottleneck vs attention", "ko": "병목 vs 어텐션"},
    "page.step": {"en": "Step player", "ko": "한 시점씩 보기"},
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
    # context-vector page
    "cv.title": {"en": "Context vectors", "ko": "컨텍스트 벡터"},
    "cv.intro": {
        "en": "The **encoder** compresses a whole sentence into its final state: the vanilla model's one **context "
              "vector**. Type a few sentences (one per line) and see where they land in a 2-D **PCA** projection, "
              "over grey points of {n} test sentences, and how similar they are (**cosine similarity**). After "
              "Sutskever et al. 2014, Figure 2: sentences with the same words in another order should land apart; "
              "an active sentence and its passive close together.",
        "ko": "**인코더**는 문장 전체를 마지막 은닉 상태 하나로 압축합니다: 바닐라 모델의 **컨텍스트 벡터**입니다. "
              "문장 몇 개를 한 줄에 하나씩 넣으면, 테스트 문장 {n}개(회색 점) 위에 2차원 **PCA** 투영으로 어디에 "
              "놓이는지, 서로 얼마나 비슷한지(**코사인 유사도**) 보여줍니다. Sutskever 등 2014 의 그림 2 처럼, 같은 "
              "단어를 다른 순서로 쓴 문장은 멀리, 능동태와 수동태 문장은 가까이 놓여야 합니다.",
    },
    "cv.sentences": {"en": "Sentences (one per line)", "ko": "문장 (한 줄에 하나)"},
    "cv.preset": {"en": "Preset sets", "ko": "예시 묶음"},
    "cv.preset.none": {"en": "— pick a preset set —", "ko": "— 예시 묶음 선택 —"},
    "cv.preset.order": {"en": "same words, another order", "ko": "같은 단어, 다른 순서"},
    "cv.preset.voice": {"en": "active vs passive", "ko": "능동태 vs 수동태"},
    "cv.preset.paraphrase": {"en": "paraphrases", "ko": "바꿔 말하기 (같은 뜻)"},
    "cv.empty": {"en": "Type at least one sentence (one per line).", "ko": "문장을 한 줄에 하나씩, 하나 이상 넣으세요."},
    "cv.line_error": {"en": "Line {line} left out: {msg}", "ko": "{line} 번째 줄 제외: {msg}"},
    "cv.truncated": {"en": "Only the first {n} sentences are used.", "ko": "처음 {n}개 문장만 씁니다."},
    "cv.duplicates": {"en": "Typed more than once, drawn once and marked ◆: {items}",
                      "ko": "두 번 이상 입력한 문장은 한 번만 그리고 ◆ 로 표시합니다: {items}"},
    "cv.one": {"en": "One sentence: it is projected together with the background sample (PCA needs at least two "
                     "distinct vectors; the background supplies them). The similarity matrix needs two sentences.",
               "ko": "문장이 하나입니다: 배경 표본과 함께 투영합니다 (PCA 에는 서로 다른 벡터가 둘 이상 필요하며 배경이 "
                     "이를 채웁니다). 유사도 행렬에는 문장이 둘 이상 필요합니다."},
    "cv.pca_error": {"en": "No projection: {msg}", "ko": "투영할 수 없습니다: {msg}"},
    "cv.no_background": {"en": "The test split is not available ({msg}); only the typed sentences are projected.",
                         "ko": "테스트 데이터가 없어 ({msg}) 입력한 문장만 투영합니다."},
    "cv.projection": {"en": "PCA projection", "ko": "PCA 투영"},
    "cv.space.none": {
        "en": "Shown: the encoder's final state (size {m}) = the vanilla model's fixed context vector, the only thing "
              "its decoder knows about the sentence. PCA fitted on these vectors for the {n} background and the "
              "typed sentences; PC 1 and PC 2 explain {e1:.0%} and {e2:.0%} of their variance.",
        "ko": "보이는 것: 인코더의 마지막 은닉 상태 (크기 {m}) = 바닐라 모델의 고정된 컨텍스트 벡터, 디코더가 문장에 대해 "
              "아는 전부입니다. 배경 {n}개와 입력 문장의 벡터로 PCA 를 맞췄고, PC 1 과 PC 2 가 분산의 {e1:.0%}, "
              "{e2:.0%} 를 설명합니다."},
    "cv.space.attn": {
        "en": "Shown: the encoder-state space (size {m}) of this attention model. The points are its encoder final "
              "states (they only initialise its decoder); the orange path is the context vector c_t = Σ a_tj h_j of "
              "each decoder step of one translation, projected with the same PCA (fitted on the final states of the "
              "{n} background and the typed sentences; PC 1 and PC 2 explain {e1:.0%} and {e2:.0%}).",
        "ko": "보이는 것: 이 어텐션 모델의 인코더 은닉 상태 공간 (크기 {m}). 점은 인코더의 마지막 은닉 상태이고 (디코더의 "
              "초기 상태로만 쓰입니다), 주황색 경로는 한 번역의 디코더 시점마다의 컨텍스트 벡터 c_t = Σ a_tj h_j 를 같은 "
              "PCA 로 투영한 것입니다 (배경 {n}개와 입력 문장의 마지막 은닉 상태로 맞춤; PC 1, PC 2 가 {e1:.0%}, "
              "{e2:.0%} 설명)."},
    "cv.axis": {"en": "PC {i} ({e:.0%} of variance)", "ko": "PC {i} (분산의 {e:.0%})"},
    "cv.legend.background": {"en": "test sentences", "ko": "테스트 문장"},
    "cv.legend.typed": {"en": "your sentences", "ko": "입력한 문장"},
    "cv.legend.trajectory": {"en": "attention context per step", "ko": "시점별 어텐션 컨텍스트"},
    "cv.trajectory": {"en": "Trajectory of the attention context for", "ko": "어텐션 컨텍스트 경로를 볼 문장"},
    "cv.vanilla_traj": {"en": "Vanilla model: the decoder reuses the same context vector at every step, so there is "
                              "no trajectory — pick an attention model to see one.",
                        "ko": "바닐라 모델: 디코더가 모든 시점에 같은 컨텍스트 벡터를 다시 쓰므로 경로가 없습니다. "
                              "경로를 보려면 어텐션 모델을 고르세요."},
    "cv.similarity": {"en": "Cosine similarity of the context vectors", "ko": "컨텍스트 벡터의 코사인 유사도"},
    "cv.similarity.cap": {"en": "cos(u, v) = u·v / (‖u‖‖v‖): 1 = same direction, 0 = unrelated, −1 = opposite.",
                          "ko": "cos(u, v) = u·v / (‖u‖‖v‖): 1 = 같은 방향, 0 = 무관, −1 = 반대 방향."},
    "cv.cosine": {"en": "cosine", "ko": "코사인"},
    # bottleneck page
    "bn.title": {"en": "Bottleneck vs attention", "ko": "병목 vs 어텐션"},
    "bn.intro": {
        "en": "A vanilla encoder-decoder must squeeze every sentence into one fixed-size context vector, so "
              "translation quality drops as sentences get longer (the **bottleneck**); attention reads all encoder "
              "states at every step. Scores on the test split by source length and on several test sentences "
              "joined into one input — the analogue of Bahdanau et al. 2015, Figure 2. Numbers come from each "
              "checkpoint's card (`python -m s2s evaluate`).",
        "ko": "바닐라 인코더-디코더는 모든 문장을 고정 길이 컨텍스트 벡터 하나에 담아야 하므로 문장이 길수록 번역 품질이 "
              "떨어집니다 (**병목 현상**). 어텐션은 매 시점 모든 인코더 은닉 상태를 참고합니다. 테스트 데이터에서 입력 "
              "길이별 점수와 여러 문장을 이어 붙인 입력의 점수를 보여줍니다 (Bahdanau 등 2015 그림 2 와 같은 비교). "
              "숫자는 각 체크포인트 카드에서 읽습니다 (`python -m s2s evaluate`).",
    },
    "bn.metric": {"en": "Metric", "ko": "지표"},
    "bn.by_length": {"en": "{metric} by source length", "ko": "입력 길이별 {metric}"},
    "bn.by_length.x": {"en": "source length (words)", "ko": "입력 길이 (단어 수)"},
    "bn.concat": {"en": "{metric} on concatenated test sentences", "ko": "이어 붙인 테스트 문장의 {metric}"},
    "bn.concat.x": {"en": "test sentences joined into one input", "ko": "하나로 이어 붙인 문장 수"},
    "bn.concat.cap": {"en": "1 = the random part as it is (the overall score); k = k consecutive test sentences "
                            "joined, so inputs are k times longer than usual.",
                      "ko": "1 = 무작위 부분 그대로 (전체 점수), k = 연속된 테스트 문장 k 개를 이어 붙여 보통보다 k 배 긴 입력."},
    "bn.table": {"en": "Overall (random part of the test split)", "ko": "전체 점수 (테스트 데이터의 무작위 부분)"},
    "bn.col.model": {"en": "checkpoint", "ko": "체크포인트"},
    "bn.col.kind": {"en": "model", "ko": "모델"},
    "bn.col.decoding": {"en": "decoding", "ko": "디코딩"},
    "bn.col.source": {"en": "numbers from", "ko": "출처"},
    "bn.from_card": {"en": "card", "ko": "카드"},
    "bn.from_live": {"en": "live, full test split", "ko": "지금 계산, 전체 테스트"},
    "bn.from_quick": {"en": "live, QUICK: first {n} per part", "ko": "지금 계산, 빠른 확인: 부분마다 처음 {n}개"},
    "bn.quick_suffix": {"en": "(quick, {n}/part)", "ko": "(빠른 확인, 부분당 {n})"},
    "bn.live_suffix": {"en": "(live)", "ko": "(지금 계산)"},
    "bn.none": {"en": "No checkpoint of this language pair has test metrics yet.",
                "ko": "이 언어 쌍의 체크포인트 중 테스트 점수가 있는 것이 아직 없습니다."},
    "bn.unevaluated": {"en": "Not evaluated yet", "ko": "아직 평가하지 않음"},
    "bn.unevaluated.cap": {
        "en": "These checkpoints have no test metrics in their card: no numbers are shown for them. Compute them "
              "live here (shown on this page only, never written to the card; the full test split takes minutes "
              "for a real model).",
        "ko": "다음 체크포인트는 카드에 테스트 점수가 없어서 숫자를 보여주지 않습니다. 여기서 지금 계산할 수 있습니다 "
              "(이 페이지에만 표시하고 카드에는 쓰지 않습니다. 실제 모델로 전체 테스트는 몇 분 걸립니다)."},
    "bn.not_evaluated": {"en": "{name}: not evaluated yet", "ko": "{name}: 아직 평가하지 않음"},
    "bn.unreadable": {"en": "{name}: card unreadable ({msg})", "ko": "{name}: 카드를 읽을 수 없음 ({msg})"},
    "bn.quick": {"en": "Quick: only the first sentences of each part (not comparable with full-test numbers)",
                 "ko": "빠른 확인: 각 부분의 처음 몇 문장만 (전체 테스트 점수와 비교할 수 없음)"},
    "bn.quick_n": {"en": "sentences per part", "ko": "부분당 문장 수"},
    "bn.run": {"en": "Evaluate {name} now", "ko": "{name} 지금 평가하기"},
    "bn.running": {"en": "Translating the test split with {name} …", "ko": "{name} 로 테스트 데이터를 번역하는 중 …"},
    "bn.done": {"en": "{name}: evaluated live on {n} sentences (shown here, not written to the card).",
                "ko": "{name}: {n}개 문장으로 지금 평가했습니다 (여기에만 표시, 카드에 쓰지 않음)."},
    "bn.eval_error": {"en": "{name} could not be evaluated: {msg}", "ko": "{name} 을(를) 평가하지 못했습니다: {msg}"},
    "bn.diff": {"en": "Where two models differ most", "ko": "두 모델이 가장 크게 다른 문장"},
    "bn.diff.cap": {"en": "Sentence-level chrF of each model's output against all references of the test source "
                          "(outputs from test_outputs.tsv or a live evaluation); Δ = chrF B − chrF A.",
                    "ko": "각 모델 출력의 문장 단위 chrF (테스트 문장의 모든 참조 번역 기준, test_outputs.tsv 또는 지금 계산한 "
                          "결과의 출력); Δ = chrF B − chrF A."},
    "bn.diff.need": {"en": "Two evaluated checkpoints with outputs are needed (test_outputs.tsv or a live evaluation).",
                     "ko": "출력이 있는 평가된 체크포인트가 두 개 필요합니다 (test_outputs.tsv 또는 지금 계산한 평가)."},
    "bn.diff.dir": {"en": "Show", "ko": "보기"},
    "bn.dir.abs": {"en": "largest difference", "ko": "차이가 가장 큰 것"},
    "bn.dir.b": {"en": "B better", "ko": "B 가 나은 것"},
    "bn.dir.a": {"en": "A better", "ko": "A 가 나은 것"},
    "bn.diff.none": {"en": "No sentence where the two differ that way.", "ko": "그런 차이가 나는 문장이 없습니다."},
    "bn.col.source_text": {"en": "source", "ko": "입력"},
    "bn.col.reference": {"en": "reference", "ko": "참조 번역"},
    # step player
    "sp.title": {"en": "Step player", "ko": "한 시점씩 보기"},
    "sp.learnt": {"en": "learnt", "ko": "학습된 값"},
    "sp.final_state": {"en": "the encoder's final state, the same at every step",
                      "ko": "인코더의 마지막 상태, 모든 시점에 같은 값"},
    "sp.intro": {
        "en": "One **decoder** step at a time, with the real numbers of the model: the token fed in (`<s>` at the "
              "first step), the raw **attention score** of every source position, the **softmax** weights, the "
              "**context vector** as their weighted sum, its **concatenation** with the decoder state, and the "
              "probability of the next piece. Decoding stops at `</s>`.",
        "ko": "**디코더**를 한 시점씩, 모델의 실제 숫자로 봅니다: 입력 토큰 (첫 시점은 `<s>`), 모든 입력 위치의 "
              "**어텐션 스코어** (소프트맥스 전), **소프트맥스** 가중치, 그 **가중합**인 **컨텍스트 벡터**, 디코더 은닉 상태와의 "
              "**연결(concatenate)**, 다음 조각의 확률. `</s>` 가 나오면 디코딩을 멈춥니다.",
    },
    "sp.reference": {"en": "Reference translation (optional: enables teacher forcing)",
                     "ko": "참조 번역 (선택: 넣으면 티처 포싱을 비교합니다)"},
    "sp.no_reference": {"en": "No reference translation: teacher forcing is off; the decoder feeds back its own "
                              "predictions (free-running). Type a reference to compare.",
                        "ko": "참조 번역이 없어 티처 포싱을 끕니다. 디코더는 자신의 예측을 다음 입력으로 씁니다. 비교하려면 "
                              "참조 번역을 넣으세요."},
    "sp.ref_error": {"en": "Reference refused, teacher forcing off: {msg}", "ko": "참조 번역을 쓸 수 없어 티처 포싱을 끕니다: {msg}"},
    "sp.run": {"en": "Decoder input", "ko": "디코더 입력"},
    "sp.run.free": {"en": "free-running (own predictions fed back)", "ko": "자유 실행 (자신의 예측을 입력)"},
    "sp.run.forced": {"en": "teacher forcing (reference fed in)", "ko": "티처 포싱 (참조 번역을 입력)"},
    "sp.step": {"en": "Step", "ko": "시점"},
    "sp.prev": {"en": "◀ previous", "ko": "◀ 이전"},
    "sp.next": {"en": "next ▶", "ko": "다음 ▶"},
    "sp.play": {"en": "▶▶ play", "ko": "▶▶ 재생"},
    "sp.stop": {"en": "■ stop", "ko": "■ 정지"},
    "sp.now": {"en": "Step {t} of {n}: the decoder reads `{inp}` and emits `{out}` (P = {p:.3f}{forced}).",
               "ko": "{n} 시점 중 {t}: 디코더가 `{inp}` 를 읽고 `{out}` 를 냅니다 (P = {p:.3f}{forced})."},
    "sp.forced_mark": {"en": ", forced from the reference; the model's own choice: `{pred}`",
                       "ko": ", 참조 번역에서 강제; 모델 자신의 선택: `{pred}`"},
    "sp.formula": {"en": "The arithmetic of one step ({kind})", "ko": "한 시점의 계산 ({kind})"},
    "sp.scores": {"en": "1. raw scores e_t (before softmax)", "ko": "1. 어텐션 스코어 e_t (소프트맥스 전)"},
    "sp.weights": {"en": "2. softmax weights a_t", "ko": "2. 소프트맥스 가중치 a_t"},
    "sp.weights.cap": {"en": "Σ a_t = {s:.4f}; largest weight on `{piece}` ({w:.3f}).",
                       "ko": "Σ a_t = {s:.4f}; 가장 큰 가중치는 `{piece}` ({w:.3f})."},
    "sp.vanilla": {"en": "Vanilla model: no scores and no weights. The decoder reuses the same context vector c "
                         "(the encoder's final state) at every step.",
                   "ko": "바닐라 모델: 어텐션 스코어도 가중치도 없습니다. 디코더는 모든 시점에 같은 컨텍스트 벡터 c "
                         "(인코더의 마지막 은닉 상태)를 다시 씁니다."},
    "sp.vectors": {"en": "3. context vector and its concatenation with the decoder state",
                   "ko": "3. 컨텍스트 벡터와 디코더 은닉 상태의 연결"},
    "sp.vectors.cap": {"en": "First {d} dimensions of each vector (hover for values; the label gives size and norm). "
                             "{parts}",
                       "ko": "각 벡터의 처음 {d}개 차원 (마우스를 올리면 값, 이름 옆에 크기와 노름). {parts}"},
    "sp.parts.none": {"en": "features = [s_t; c; E y_{t−1}] → o_t = tanh(W_o features).",
                      "ko": "features = [s_t; c; E y_{t−1}] → o_t = tanh(W_o features)."},
    "sp.parts.bahdanau": {"en": "features = [s_t; c_t; E y_{t−1}] → o_t = tanh(W_o features).",
                          "ko": "features = [s_t; c_t; E y_{t−1}] → o_t = tanh(W_o features)."},
    "sp.parts.luong": {"en": "features = [c_t; h_t] → h̃_t = tanh(W_c features).",
                       "ko": "features = [c_t; h_t] → h̃_t = tanh(W_c features)."},
    "sp.row.context": {"en": "context c_t", "ko": "컨텍스트 c_t"},
    "sp.row.state": {"en": "decoder state", "ko": "디코더 은닉 상태"},
    "sp.row.features": {"en": "features: the concatenation the output layer reads", "ko": "연결 벡터 (출력층의 입력)"},
    "sp.row.output": {"en": "output o_t", "ko": "출력 o_t"},
    "sp.topk": {"en": "4. top-{k} next-piece probabilities", "ko": "4. 다음 조각 확률 상위 {k}개"},
    "sp.side": {"en": "Teacher forcing vs free-running, step by step", "ko": "티처 포싱 vs 자유 실행, 시점별 비교"},
    "sp.part": {"en": "They part at step {t}: fed the same prefix, the model predicts `{pred}` where the reference has "
                      "`{ref}`. From step {t1} on, the free-running decoder reads its own words, the teacher-forced "
                      "one the reference.",
                "ko": "{t} 시점에서 갈라집니다: 같은 앞부분을 받고도 모델은 `{pred}` 를 예측하지만 참조 번역은 `{ref}` "
                      "입니다. {t1} 시점부터 자유 실행 디코더는 자신의 단어를, 티처 포싱 디코더는 참조 번역을 읽습니다."},
    "sp.no_part": {"en": "The model's own predictions match the reference at every forced step.",
                   "ko": "모든 강제 시점에서 모델의 예측이 참조 번역과 같습니다."},
    "sp.col.step": {"en": "step", "ko": "시점"},
    "sp.col.tf_in": {"en": "forced: input", "ko": "티처 포싱: 입력"},
    "sp.col.tf_pred": {"en": "forced: model's choice", "ko": "티처 포싱: 모델 예측"},
    "sp.col.free_in": {"en": "free: input", "ko": "자유 실행: 입력"},
    "sp.col.free_out": {"en": "free: output", "ko": "자유 실행: 출력"},
    "sp.col.same": {"en": "same?", "ko": "같음?"},
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
