// The course site's theme: VitePress's default theme, plus the knowledge checks'
// questions and the presenter view, which the made pages use (shared/tools/site/).
import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import KnowledgeQuestion from './KnowledgeQuestion.vue';
import PresenterDeck from './PresenterDeck.vue';
import './course.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('KnowledgeQuestion', KnowledgeQuestion);
    app.component('PresenterDeck', PresenterDeck);
  },
} satisfies Theme;
